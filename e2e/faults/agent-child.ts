/**
 * The edge agent as the fault suite runs it: exactly what `edge-agent/src/main.ts`
 * does (load the config file, start the agent with its real camera, ONNX vision,
 * outbox and uplink, stop on SIGTERM), plus one listener that appends every
 * observation to a truth log (a JSON line: its id, why it was sent and its reading, so
 * the runner can tell a heartbeat the cloud folded from one it lost).
 *
 * The listener is registered after the agent's store listener, and the bus
 * calls listeners in order, synchronously: an id reaches the truth log only
 * after the outbox transaction that holds it has committed. A SIGKILL between
 * the two leaves an id in the outbox (and later the cloud) but not in the log;
 * the runner counts those as "unlogged", never as doubled. The log is written
 * with writeSync on an O_APPEND fd: it survives a SIGKILL (the page cache is
 * the kernel's), which is the fault this suite injects, not a power cut.
 * Usage: tsx agent-child.ts <config.json> <truth.log>
 */
import { openSync, writeSync } from 'node:fs';
import { stopOnSignal } from '@smartstock/runtime';
import { loadAgentConfig, startAgent } from '@smartstock/edge-agent';

const [configFile, truthFile] = process.argv.slice(2) as [string, string];
const truth = openSync(truthFile, 'a');
const agent = await startAgent(loadAgentConfig(configFile));
agent.bus.on('observations', 'truth', (obs) => {
  const line = ({ id, reason, cameraId, slotId, at, count, units, fills, state }: (typeof obs)[number]) =>
    `${JSON.stringify({ id, reason, cameraId, slotId, at, count, units, fills, state })}\n`;
  writeSync(truth, obs.map(line).join(''));
});
// the runner reads the disk-cap drop counter from here: the agent keeps it durably in the outbox
agent.bus.on('stored', 'truth', () => {
  process.stdout.write(`DROPPED ${agent.outbox.droppedRows}\n`);
});
process.stdout.write(`READY ${agent.outbox.droppedRows}\n`);
stopOnSignal(() => agent.stop());
