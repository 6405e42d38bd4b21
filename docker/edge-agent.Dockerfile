# The edge agent for a bar's mini-PC (x86-64 or arm64). Build from the repository root:
#   docker build -f docker/edge-agent.Dockerfile -t smartstock/edge-agent .
FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV npm_config_onnxruntime_node_install=skip
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY . .
RUN npm ci --no-fund --no-audit

FROM node:20-bookworm-slim
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends ffmpeg && rm -rf /var/lib/apt/lists/*
COPY --from=build /app /app
# /etc/smartstock holds the device bundle (agent.yaml, device.crt, device.key, ca.crt);
# /var/lib/smartstock the SQLite outbox, which must survive restarts.
# made here so the volume is the node user's, not root's: the agent must write its outbox there
RUN mkdir -p /var/lib/smartstock && chown node:node /var/lib/smartstock
VOLUME /var/lib/smartstock
USER node
ENTRYPOINT ["node", "--import", "tsx", "edge-agent/src/main.ts"]
CMD ["--config", "/etc/smartstock/agent.yaml"]
