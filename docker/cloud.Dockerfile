# The cloud service, serving the dashboard. Build from the repository root:
#   docker build -f docker/cloud.Dockerfile -t smartstock/cloud .
FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV npm_config_onnxruntime_node_install=skip
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY . .
# no `npm prune --omit=dev`: the entry point runs the TypeScript sources through tsx, a dev tool
RUN npm ci --no-fund --no-audit && npm run build -w dashboard

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080 DATA_DIR=/data
COPY --from=build /app /app
# a volume takes the ownership of the folder it mounts over: made here, it is the node user's
# (otherwise root's, and the cloud cannot write its PGlite database or its broker's CA)
RUN mkdir -p /data && chown node:node /data
VOLUME /data
EXPOSE 8080 8883
USER node
HEALTHCHECK --interval=30s --timeout=5s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "--import", "tsx", "cloud/src/main.ts"]
