// What a scheduler error's text says of its cause, where no timeout or load setting touches it: the
// kinds dfdaemon.scheduler-wait tells apart, with the summary and the step each one gets.
import type { LineRef } from '../../parsers/dfdaemon-timeline.js';

/**
 * Scheduler errors whose cause no timeout or load setting touches, each with what it means:
 * - undecoded: prost's DecodeError, "failed to decode Protobuf message: <message>.<field>: …: invalid wire
 *   type …", inside the tonic Status the client logs (dragonflyoss/client#1008, v0.2.14–v0.2.20
 *   task.rs:406): the two ends were built from different versions of the API's messages;
 * - unhealthy: the daemon's dynconfig checks each scheduler the manager lists (or dfget.yaml names) and
 *   leaves out one that fails (Rust v1.5.1 dynconfig/remote.rs:182; Go v2.0.9–v2.2.1 "scheduler host
 *   address … is unreachable" and "… has not reachable addresses", v2.1.31
 *   client/config/dynconfig_manager.go:132, :142; Go v2.2.2+ "scheduler <ip>:<port> is unreachable",
 *   v2.3.4 :130; Go v2.0.9+ dfget.yaml's schedulers, dynconfig_local.go:80): a scheduler this node
 *   does not reach.
 */
export type Special = 'undecoded' | 'unhealthy';
/**
 * A host a step's command may name as it is (a log is no trusted source of shell text): a host name,
 * a dotted IP, or an IPv6 address in brackets, as ip.FormatIP prints one.
 */
const HOST = String.raw`([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])`;
/**
 * The Go daemon's lines that name a scheduler it left out, with its host and port: `scheduler <ip>
 * <host> <port> has not reachable addresses`, and `scheduler [host address |address ]<host>:<port> is
 * unreachable: <error>`.
 */
const GO_UNREACHABLE = [
  new RegExp(`^scheduler ${HOST} \\S+ (\\d+) has not reachable addresses`),
  new RegExp(`^scheduler (?:host address |address )?${HOST}:(\\d+) is unreachable: `),
];
const SPECIAL: Readonly<Record<Special, RegExp>> = {
  undecoded: /failed to decode Protobuf message/,
  unhealthy:
    /^check scheduler health failed|^scheduler \S+ \S+ \d+ has not reachable addresses|^scheduler (?:host address |address )?\S+ is unreachable: /,
};
/** Envoy's own error text: a proxy (an Istio sidecar, helm-charts#350) answered instead of the scheduler. */
export const ENVOY = /upstream connect error or disconnect\/reset before headers/;

/** The schedulers the Go daemon's lines name as left out (host and port), at most three. */
export function unreachableSchedulers(errors: readonly LineRef[]): { host: string; port: number }[] {
  const out = new Map<string, { host: string; port: number }>();
  for (const e of errors) {
    const m = GO_UNREACHABLE.map((r) => r.exec(e.text)).find((x) => x !== null);
    // bash's /dev/tcp takes an IPv6 address without its brackets
    const host = m?.[1]?.replace(/^\[(.*)\]$/, '$1');
    if (m && host && out.size < 3) out.set(`${host}:${m[2]}`, { host, port: Number(m[2]) });
  }
  return [...out.values()];
}

export const specialOf = (e: LineRef): Special | null =>
  (Object.keys(SPECIAL) as Special[]).find((k) => SPECIAL[k].test(e.text)) ?? null;

export const SPECIAL_SUMMARY: Readonly<Record<Special, string>> = {
  undecoded:
    'Run a client and a scheduler of one Dragonfly release: this client cannot decode what the scheduler answers',
  unhealthy: "Make the schedulers reachable from this node: the daemon's checks of them failed",
};

export const SPECIAL_STEP: Readonly<Record<Special, string>> = {
  undecoded:
    'The scheduler\'s answers did not decode ("failed to decode Protobuf message"): this client and the scheduler were built from different versions of Dragonfly\'s API messages (dragonflyoss/api), which change between releases. Run a client and a scheduler of one Dragonfly release (a release of the dragonfly Helm chart pins both images); no timeout or load setting helps.',
  unhealthy:
    'This node could not reach schedulers that the manager lists or dfget.yaml names (the Rust client\'s "check scheduler health failed", the Go daemon\'s "scheduler … is unreachable" and "scheduler … has not reachable addresses"): the daemon leaves out each such scheduler, and with none left it has no scheduler to ask for parents. From this node, check that each scheduler answers on its gRPC port (8002); one that is gone should leave the manager\'s list.',
};

export const ENVOY_STEP =
  'The error text is Envoy\'s ("upstream connect error or disconnect/reset before headers"): a proxy, such as an Istio sidecar injected into the dragonfly pods, answered for the scheduler it could not reach (helm-charts#350). Take the dragonfly pods or their ports out of the mesh, or make the mesh pass their gRPC through.';
