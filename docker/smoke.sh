#!/usr/bin/env bash
# Runs the two images for real on this machine's Docker engine (docker/README.md, "Smoke test"):
# builds them, starts the cloud (PGlite, its own embedded broker) and checks /healthz and the
# dashboard, then starts the edge agent on the demo shelf video against a Mosquitto on the
# host and waits for its observations on the broker. Host networking, so no bridge is needed.
#   docker/smoke.sh [--no-build]      env: MQTT_URL (mqtt://127.0.0.1:1883), CLOUD_PORT (18080)
set -euo pipefail
cd "$(dirname "$0")/.."
MQTT_URL=${MQTT_URL:-mqtt://127.0.0.1:1883}
CLOUD_PORT=${CLOUD_PORT:-18080}
VIDEO=data/faults-cache/shelf.mp4
say() { printf 'smoke: %s\n' "$*"; }
docker info >/dev/null 2>&1 || { echo "smoke: no Docker engine (start dockerd, or see docker/README.md)" >&2; exit 1; }

if [ "${1:-}" != "--no-build" ]; then
  say "building smartstock/cloud and smartstock/edge-agent"
  docker build --network host -q -f docker/cloud.Dockerfile -t smartstock/cloud . >/dev/null
  docker build --network host -q -f docker/edge-agent.Dockerfile -t smartstock/edge-agent . >/dev/null
fi
[ -f "$VIDEO" ] || npx tsx -e "import('./scripts/demo/video.ts').then(async (v) => v.ensureDemoVideo('data/faults-cache', (await import('@smartstock/runtime')).createLogger('smoke', { level: 'warn' })))"

cleanup() { docker rm -f ss-smoke-cloud ss-smoke-agent >/dev/null 2>&1 || true; }
trap cleanup EXIT
cleanup

say "cloud: PGlite in its /data volume, embedded broker on 18883"
docker run -d --name ss-smoke-cloud --network host -e PORT="$CLOUD_PORT" -e BROKER_PORT=18883 \
  -e SMARTSTOCK_OWNER_EMAIL=owner@smoke.test -e SMARTSTOCK_OWNER_PASSWORD='a long smoke password' smartstock/cloud >/dev/null
for _ in $(seq 1 120); do
  curl -fsS "http://127.0.0.1:$CLOUD_PORT/healthz" >/dev/null 2>&1 && break
  sleep 1
done
curl -fsS "http://127.0.0.1:$CLOUD_PORT/healthz" || { docker logs ss-smoke-cloud | tail -30; exit 1; }
echo
curl -fsS "http://127.0.0.1:$CLOUD_PORT/" | grep -q '<div id="app"\|<body' || { echo "smoke: the dashboard is not served" >&2; exit 1; }
for _ in $(seq 1 60); do
  [ "$(docker inspect -f '{{.State.Health.Status}}' ss-smoke-cloud)" = healthy ] && break
  sleep 2
done
say "cloud $(docker inspect -f '{{.State.Health.Status}}' ss-smoke-cloud) (the image's HEALTHCHECK), dashboard served; runs as $(docker exec ss-smoke-cloud id -un)"

DEV="smoke-$(date +%s)"
CONF=$(mktemp -d)
cp "$VIDEO" "$CONF/shelf.mp4"
cat >"$CONF/agent.json" <<EOF
{ "deviceId": "$DEV", "dataDir": "/var/lib/smartstock", "logLevel": "info",
  "mqtt": { "url": "$MQTT_URL", "protocolVersion": 5 },
  "shelf": { "heartbeatSeconds": 2 },
  "cameras": [{ "id": "back-bar", "url": "file:///etc/smartstock/shelf.mp4", "sampleEverySeconds": 1,
    "slots": [{ "id": "s1", "sku": "SKU-1", "polygon": [[0,0],[1,0],[1,1],[0,1]] }] }] }
EOF
chmod -R a+rX "$CONF"
say "edge agent: the demo video through ffmpeg, ONNX vision, SQLite outbox, MQTT 5 to $MQTT_URL"
docker run -d --name ss-smoke-agent --network host -v "$CONF:/etc/smartstock:ro" smartstock/edge-agent --config /etc/smartstock/agent.json >/dev/null
node -e '
const mqtt = require(require.resolve("mqtt", { paths: ["edge-agent"] }));
const [url, dev] = process.argv.slice(1);
const c = mqtt.connect(url);
const t = setTimeout(() => { console.error("smoke: no observation from the agent container in 90 s"); process.exit(1); }, 90000);
c.on("connect", () => c.subscribe(`smartstock/v1/${dev}/obs`, { qos: 1 }));
c.on("message", (_t, p) => { const b = JSON.parse(String(p)); console.log(`smoke: batch ${b.seq} with ${b.observations.length} observations, first slot ${b.observations[0].slotId} count ${b.observations[0].count}`); clearTimeout(t); c.end(); });
' "$MQTT_URL" "$DEV" || { docker logs ss-smoke-agent | tail -30; exit 1; }
say "agent log:"
docker logs ss-smoke-agent 2>&1 | grep -o '"msg":"[^"]*"' | sort | uniq -c | sort -rn | head -8
say "both images ran: passed"
