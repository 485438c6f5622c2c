// HTTP plumbing both stand-ins share: listening on a port (0 = any) and one request to the origin.
import { request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** Listens and resolves with the port the kernel gave. */
export function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const a = server.address();
      resolve(typeof a === 'object' && a ? a.port : port);
    });
  });
}

/** One request to the origin registry, with a 30 s socket timeout. */
export function originRequest(
  url: URL,
  method: string,
  headers: Record<string, string | string[] | undefined>,
): Promise<IncomingMessage> {
  const fn = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = fn(url, { method, headers, timeout: 30_000 }, resolve);
    req.on('timeout', () => req.destroy(new Error(`origin ${url.host} timed out`)));
    req.on('error', reject);
    req.end();
  });
}
