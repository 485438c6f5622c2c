// Docker-style image references as the kubelet, crictl and ctr take them (`nginx:1.27`,
// `ghcr.io/o/i@sha256:…`, `127.0.0.1:5000/lab/app:v1`), split the way containerd's reference
// normalisation does: a first component with a dot or a colon, or `localhost`, is a registry host;
// else the host is docker.io, and a single-component name goes under `library/`.

export interface ImageRefParts {
  registryHost: string;
  /** The repository under the host (`library/nginx`). */
  repo: string;
  /** The tag or digest part, e.g. ":v1" or "@sha256:…" (":latest" when none is given). */
  suffix: string;
}

/** A reference split into host, repository and tag or digest; null when it is not one. */
export function splitImageRef(image: string): ImageRefParts | null {
  const r = split(image);
  return typeof r === 'string' ? null : r;
}

/** Why `image` is not a reference, for a message that says what to fix; null when it is one. */
export function imageRefProblem(image: string): string | null {
  const r = split(image);
  return typeof r === 'string' ? r : null;
}

/** The parts, or why there are none. */
function split(image: string): ImageRefParts | string {
  const s = image.trim();
  if (!s) return 'it is empty';
  if (/\s/.test(s)) return 'it holds a space';
  const slash = s.indexOf('/');
  const first = slash === -1 ? '' : s.slice(0, slash);
  const hasHost = slash !== -1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const registryHost = hasHost ? first : 'docker.io';
  let rest = hasHost ? s.slice(slash + 1) : s;
  if (registryHost === 'docker.io' && !rest.includes('/')) rest = `library/${rest}`;
  const at = rest.indexOf('@');
  const colon = rest.lastIndexOf(':');
  let repo = rest;
  let suffix = ':latest';
  if (at !== -1) {
    repo = rest.slice(0, at);
    suffix = rest.slice(at);
  } else if (colon !== -1) {
    repo = rest.slice(0, colon);
    suffix = rest.slice(colon);
  }
  if (!/^[a-z0-9]+(?:[._\-/][a-z0-9]+)*$/.test(repo))
    return `its repository "${repo}" (under ${registryHost}) is not lower-case letters and digits joined by single ".", "_", "-" or "/"`;
  return { registryHost, repo, suffix };
}
