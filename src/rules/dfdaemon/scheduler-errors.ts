// What a scheduler error's text says of its cause, where no timeout or load setting touches it: the
// kinds dfdaemon.scheduler-wait tells apart, with the summary and the step each one gets.
import type { LineRef } from '../../parsers/dfdaemon-timeline.js';

/**
 * Scheduler errors whose cause no timeout or load setting touches, each with what it means:
 * - undecoded: prost's DecodeError, "failed to decode Protobuf message: <message>.<field>: …: invalid wire
 *   type …", inside the tonic Status the client logs (dragonflyoss/client#1008, v0.2.14–v0.2.20
 *   task.rs:406): the two ends were built from different versions of the API's messages;
 * - unhealthy: the daemon's dynconfig checks each scheduler the manager lists and leaves out one that
 *   fails (Rust v1.5.1 dynconfig/remote.rs:182; Go v2.0.9–v2.2.1, v2.1.49
 *   client/config/dynconfig_manager.go:142): a scheduler this node does not reach.
 */
export type Special = 'undecoded' | 'unhealthy';
/** The Go daemon's line, with the scheduler's IP and port: `scheduler <ip> <host> <port> has not reachable addresses`. */
const GO_UNREACHABLE = /^scheduler (\S+) \S+ (\d+) has not reachable addresses/;
const SPECIAL: Readonly<Record<Special, RegExp>> = {
  undecoded: /failed to decode Protobuf message/,
  unhealthy: new RegExp(`^check scheduler health failed|${GO_UNREACHABLE.source}`),
};
/** Envoy's own error text: a proxy (an Istio sidecar, helm-charts#350) answered instead of the scheduler. */
export const ENVOY = /upstream connect error or disconnect\/reset before headers/;

/** The schedulers the Go daemon's lines name as unreachable (IP and port), at most three. */
export function unreachableSchedulers(errors: readonly LineRef[]): { ip: string; port: number }[] {
  const out = new Map<string, { ip: string; port: number }>();
  for (const e of errors) {
    const m = GO_UNREACHABLE.exec(e.text);
    if (m && out.size < 3) out.set(`${m[1]}:${m[2]}`, { ip: m[1] as string, port: Number(m[2]) });
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
    'This node could not reach schedulers the manager lists (the Rust client\'s "check scheduler health failed", the Go daemon\'s "scheduler … has not reachable addresses"): the daemon leaves out each such scheduler, and with none left it has no scheduler to ask for parents. From this node, check that each scheduler answers on its gRPC port (8002); one that is gone should leave the manager\'s list.',
};

export const ENVOY_STEP =
  'The error text is Envoy\'s ("upstream connect error or disconnect/reset before headers"): a proxy, such as an Istio sidecar injected into the dragonfly pods, answered for the scheduler it could not reach (helm-charts#350). Take the dragonfly pods or their ports out of the mesh, or make the mesh pass their gRPC through.';
