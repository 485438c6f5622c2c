# syntax=docker/dockerfile:1
# dfdoctor: build with the dev toolchain, run on a slim Node 20 image with the Debian tools the probes call.
#   docker build -t dfdoctor:0.1.0 .
#   docker run --rm dfdoctor:0.1.0 analyze /bundles/node.tar.gz        # non-root: analyze, fleet, rules
#   (on a node: see deploy/ and docs/fleet.md — diagnose needs the host mounted and a few capabilities)
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY assembly ./assembly
COPY scripts/bundle.mjs scripts/code-cache.mjs ./scripts/
COPY bin ./bin
COPY fixtures/seed-cache-hit-slow ./fixtures/seed-cache-hit-slow
# npm run build: tsc, the WebAssembly log scanner (dist/wasm), the start-up bundle (dist/packed) the
# launcher prefers, and V8's compiled code for it, made on the image's own Node (the runtime stage's:
# another Node would refuse it and compile the bundle instead)
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
# iproute2: ss (listeners) and tc (qdisc on lo); iptables/nftables/conntrack: the netfilter probe, read only;
# procps: process lookups; util-linux: dmesg, findmnt; fio: --disk-method fio; pigz: the unpack floor; ca-certificates: HTTPS mirrors;
# containerd: its `ctr` client (version, plugins, bench pulls, the image of dfdaemon's container), talking to the node's socket.
RUN apt-get update \
 && apt-get install -y --no-install-recommends iproute2 iptables nftables conntrack procps util-linux fio pigz ca-certificates containerd \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/dfdoctor
COPY --from=build /src/package.json ./package.json
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY bin ./bin
COPY schema ./schema
COPY fixtures/seed-cache-hit-slow ./fixtures/seed-cache-hit-slow
RUN ln -s /opt/dfdoctor/bin/dfdoctor.js /usr/local/bin/dfdoctor \
 && chmod 0755 /opt/dfdoctor/bin/dfdoctor.js
ENV NODE_ENV=production
# Non-root by default: analyze, fleet summarize and rules need nothing more. `diagnose --root /host` on a node
# runs as root with only the capabilities listed in deploy/daemonset.yaml (see docs/fleet.md).
USER 65532:65532
ENTRYPOINT ["dfdoctor"]
CMD ["--help"]
