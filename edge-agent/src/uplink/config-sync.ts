import { decodeDesiredConfig, formatDecodeError, type ConfigAck, type DesiredConfig } from '@smartstock/protocol';
import type { Logger } from '@smartstock/runtime';

export interface ConfigSyncDeps {
  deviceId: string;
  /** The revision in force now (0 = the file's cameras). */
  currentRevision: () => number;
  /** Applies cameras and slots without a restart; throws with a message naming the key to refuse it. */
  apply: (cfg: DesiredConfig) => Promise<void> | void;
  log: Logger;
}

/**
 * Turns one retained `config` message into an ack. Validation happens before
 * anything changes, so a rejected config leaves the old one in force. The same
 * retained message arrives on every reconnect: an equal revision is acked again
 * without re-applying.
 */
export async function handleDesiredConfig(payload: Buffer, deps: ConfigSyncDeps): Promise<ConfigAck | null> {
  if (!payload.length) return null; // the retained message was cleared
  const at = new Date().toISOString();
  const kept = deps.currentRevision();
  const reject = (revision: number, error: string): ConfigAck => {
    deps.log.warn({ revision, error, keptRevision: kept }, 'config rejected');
    return { v: 1, deviceId: deps.deviceId, revision, status: 'rejected', error: error.slice(0, 2000), keptRevision: kept, at };
  };
  const decoded = decodeDesiredConfig(payload);
  if (!decoded.ok) return reject(revisionOf(payload), formatDecodeError(decoded.error));
  const cfg = decoded.value;
  if (cfg.deviceId !== deps.deviceId) return reject(cfg.revision, `deviceId: expected "${deps.deviceId}", got "${cfg.deviceId}"`);
  if (cfg.revision < kept) return reject(cfg.revision, `revision: ${cfg.revision} is older than the applied revision ${kept}`);
  if (cfg.revision > kept) {
    try {
      await deps.apply(cfg);
    } catch (err) {
      return reject(cfg.revision, (err as Error).message);
    }
    deps.log.info({ revision: cfg.revision, cameras: cfg.cameras.length }, 'config applied');
  }
  return { v: 1, deviceId: deps.deviceId, revision: cfg.revision, status: 'applied', at };
}

/** Best effort: the revision of a config that failed validation, so the ack can name it. */
function revisionOf(payload: Buffer): number {
  try {
    const revision = (JSON.parse(payload.toString('utf8')) as { revision?: unknown }).revision;
    return typeof revision === 'number' && Number.isInteger(revision) && revision >= 0 ? revision : 0;
  } catch {
    return 0;
  }
}
