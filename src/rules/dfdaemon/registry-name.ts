// Which registry a containerd route and a dfdaemon registry-mirror address stand for, compared by name:
// Docker Hub's hosts are one registry, an https port 443 is no port.

/** The names Docker Hub answers to; containerd keys it as docker.io and pulls from registry-1.docker.io. */
const DOCKER_HUB = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

/** A registry's name from a URL or a host[:port]: lower case, without scheme, path or default port. */
export function registryName(urlOrHost: string): string {
  const hostPort = urlOrHost
    .trim()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
    .replace(/[/?#].*$/, '')
    .toLowerCase();
  const name = hostPort.replace(/:443$/, '');
  return DOCKER_HUB.has(name) ? 'docker.io' : name;
}

/** containerd's catch-all route keys: hosts.toml's `_default` and a legacy `mirrors."*"`. */
export function isCatchAll(registry: string): boolean {
  return registry === '_default' || registry === '*';
}
