import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { connect, MqttClient, type IClientOptions, type IPublishPacket } from 'mqtt';
import { TOPICS, parseTopic, type TopicKind } from '@smartstock/protocol';
import type { Logger } from '@smartstock/runtime';
import type { DeviceLink } from '../devices/index.js';
import { pgCode } from '../errors.js';
import { AckBatcher } from './ack-batcher.js';
import { isTransient, POISON_ATTEMPTS } from './retry.js';
import { retainedSweeper } from './retained-sweep.js';
import { SnapshotReplies } from './snapshot-replies.js';

/** mqtt.js's own packet writer: queues while the socket is busy, as its own PUBACKs do. */
interface PubackSender {
  _sendPacket(packet: { cmd: 'puback'; messageId: number; reasonCode: number }): void;
}
/** Tells mqtt.js to read on without sending the PUBACK: the batcher sends it after the commit. */
const HELD = new Error('PUBACK held until the commit');

export interface IngestOptions {
  /** an external broker (mqtt://, mqtts://); absent: connectInternal to the embedded one */
  url?: string | undefined;
  connectInternal?: (() => Duplex) | undefined;
  clientId: string;
  /** MQTT 5 shared-subscription group: several instances split one stream of messages */
  sharedGroup?: string | undefined;
  tls?: { ca?: string; cert?: string; key?: string } | undefined;
  /** batches committing at once (AckBatcher); their PUBACKs still leave in arrival order. Default 2 */
  concurrentBatches?: number | undefined;
  logger: Logger;
}

export interface IngestMessage {
  topic: string;
  payload: Uint8Array;
}

/** Where the link hands each message (dispatch.ts): it acks only once handle() or handleMany() resolves. */
export interface MessageSink {
  handle(topic: string, payload: Uint8Array): Promise<void>;
  /**
   * Several messages in arrival order, committed in as few transactions as it can (not necessarily in
   * that order: a device's statuses keep theirs). If it throws, it throws PartlyHandled: the messages
   * `handled` marks are handled, the rest left untouched.
   */
  handleMany?(messages: readonly IngestMessage[]): Promise<void>;
  deadLetter(topic: string, payload: Uint8Array, reason: string): Promise<void>;
}

/** handleMany's failure: which messages (by their place in the call) were handled before `cause`. */
export class PartlyHandled extends Error {
  constructor(
    readonly handled: readonly boolean[],
    cause: unknown,
  ) {
    super((cause as Error)?.message ?? String(cause), { cause });
  }
}

/** The most messages one transaction commits: bounds the transaction and the PUBACKs held. */
const MAX_BATCH = 200;
/** Messages waiting for a commit before the link stops reading from the broker. */
const HIGH_WATER = 1000;
/** Batches committing at once: one waits on a round trip while the other commits (issue #30). */
const CONCURRENT_BATCHES = 2;

/**
 * The cloud's MQTT connection, made before the services so they are handed
 * it at start-up (as their DeviceLink); start() connects it once the HTTP
 * port, which names the client, is known. Until then a publish is dropped and
 * a snapshot request goes unanswered, as for a device that is offline.
 */
export interface IngestLink extends DeviceLink {
  /** the MQTT client, once started */
  readonly client: MqttClient;
  start(o: IngestOptions, sink: MessageSink): Promise<void>;
  stop(): Promise<void>;
}

export function createIngestLink(): IngestLink {
  let running: Awaited<ReturnType<typeof connectIngest>> | undefined;
  return {
    get client() {
      if (!running) throw new Error('the ingest link is not started');
      return running.client;
    },
    async start(o, sink) {
      if (running) throw new Error('the ingest link is already started');
      running = await connectIngest(o, sink);
    },
    publish: async (topic, payload, p) => running?.publish(topic, payload, p),
    requestSnapshot: async (deviceId, cameraId, timeoutMs, o) => running?.requestSnapshot(deviceId, cameraId, timeoutMs, o),
    stop: async () => running?.stop(),
  };
}

const INGEST_KINDS: TopicKind[] = ['obs', 'status', 'config/ack'];

/**
 * The cloud's MQTT client. Each QoS 1 message is acknowledged only after the
 * service that handles it has committed (the AckBatcher sends the PUBACK after
 * its batch's commit), so a crash or a database outage means redelivery, never
 * loss; messages keep arriving meanwhile and commit together in the next batch.
 */
async function connectIngest(o: IngestOptions, sink: MessageSink) {
  const log = o.logger.child({ module: 'ingest' });
  const external = !!o.url;
  const opts: IClientOptions = {
    clientId: o.clientId,
    clean: false,
    reconnectPeriod: 1000,
    connectTimeout: 10_000,
    ...(external ? { protocolVersion: 5, properties: { sessionExpiryInterval: 3600 } } : { protocolVersion: 4 }),
    ...(o.tls ?? {}),
  };
  const client = o.url ? connect(o.url, opts) : new MqttClient(() => o.connectInternal!(), opts);
  let stopping = false;
  const snapshots = new SnapshotReplies(log);
  const retained = retainedSweeper((topic) => client.publishAsync(topic, '', { qos: 1, retain: true }), log);

  /** Handles one message, retrying while the database fails; dead-letters a message that keeps failing for its own sake. */
  const handleOne = async ({ topic, payload }: IngestMessage): Promise<void> => {
    for (let attempt = 0; !stopping; attempt++) {
      try {
        return await sink.handle(topic, payload);
      } catch (e) {
        // a message that fails for its own sake would block the stream forever: dead-letter it and ack
        if (attempt + 1 >= POISON_ATTEMPTS && !isTransient(e)) {
          const reason = `ingest failed: ${pgCode(e) ? `SQLSTATE ${pgCode(e)}: ` : ''}${(e as Error).message}`;
          const dead = await sink.deadLetter(topic, payload, reason).then(
            () => true,
            () => false,
          );
          if (dead) return log.warn({ topic, reason }, 'poison message dead-lettered');
        }
        // otherwise the database is unreachable or failing: hold the ack and retry; the broker keeps the message
        log.error({ err: (e as Error).message, topic, attempt }, 'ingest failed, retrying');
        await new Promise((r) => setTimeout(r, Math.min(5000, 100 * 2 ** attempt)));
      }
    }
  };
  /** A batch in one go; if that fails, what it left one message at a time (which finds a poison message). */
  const settle = async (batch: IngestMessage[]): Promise<void> => {
    let left = batch;
    if (batch.length > 1 && sink.handleMany) {
      try {
        return await sink.handleMany(batch);
      } catch (e) {
        const handled = e instanceof PartlyHandled ? e.handled : [];
        left = batch.filter((_, i) => !handled[i]);
        log.warn({ err: (e as Error).message, messages: left.length }, 'batch failed, handling its messages one by one');
      }
    }
    for (const m of left) await handleOne(m);
  };

  // Counts connections (mqtt.js drops an old socket's unread packets once the new one connects): a PUBACK
  // held over a reconnect is dropped, as the broker may have given its packet id to another message by
  // then; the broker redelivers the message and its ids dedupe.
  let connection = 0;
  client.on('connect', () => connection++);
  const batcher = new AckBatcher<IngestMessage>({
    maxBatch: MAX_BATCH,
    highWater: HIGH_WATER,
    concurrentBatches: o.concurrentBatches ?? CONCURRENT_BATCHES,
    // a device's statuses and config acks overwrite its row, so two of them never commit at once out of order;
    // observations commit in any order (their ids dedupe and slot_readings keeps the newest reading)
    orderKey: (m) => {
      const t = parseTopic(m.topic);
      return t && t.kind !== 'obs' ? t.deviceId : undefined;
    },
    settle,
    ack: (w) => {
      if (w.messageId === undefined || w.connection !== connection || !client.connected) return;
      (client as unknown as PubackSender)._sendPacket({ cmd: 'puback', messageId: w.messageId, reasonCode: 0 });
    },
    onError: (e) => log.error({ err: (e as Error).message }, 'ingest batch abandoned'),
  });

  client.handleMessage = (packet: IPublishPacket, done: (err?: Error) => void) => {
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    if (retained.sweep(packet.topic, payload, packet.retain)) return done();
    if (packet.topic.endsWith('/snapshot')) {
      snapshots.receive(packet.topic, payload);
      return done();
    }
    // mqtt.js reads the next packet only once `done` is called, and sends the PUBACK itself unless it is
    // called with an error: so `done(HELD)` reads on while the batcher holds the PUBACK until the commit.
    const messageId = packet.qos > 0 ? packet.messageId : undefined;
    batcher.push({ message: { topic: packet.topic, payload }, messageId, connection }, () =>
      done(messageId === undefined ? undefined : HELD),
    );
  };
  client.on('error', (e) => {
    // a forced end aborts what was in flight: expected while stopping, not worth a warning
    if (!stopping) log.warn({ err: e.message }, 'mqtt error');
  });
  client.on('reconnect', () => log.debug('mqtt reconnecting'));

  await new Promise<void>((res, rej) => {
    client.once('connect', () => res());
    client.once('error', rej);
  });
  const filters = INGEST_KINDS.map((k) => (external && o.sharedGroup ? TOPICS.shared(o.sharedGroup, k) : TOPICS.all(k)));
  // snapshot replies go to the instance that asked, so every instance sees them (QoS 0, small)
  const subscribe = async () => {
    // retain as published (MQTT 5): a device's retained message keeps its flag, so retained-sweep.ts sees it
    const rap = external ? { rap: true } : {};
    await client.subscribeAsync({
      ...Object.fromEntries(filters.map((t) => [t, { qos: 1 as const, ...rap }])),
      [TOPICS.all('snapshot')]: { qos: 0 as const, ...rap },
    });
    log.info({ filters, external }, 'ingest subscribed');
  };
  await subscribe();
  // Mosquitto 2.0 restores a persisted session after a restart without its $share subscriptions
  // yet reports the session present, so mqtt.js does not resubscribe and every device's QoS 1
  // publish is acknowledged and discarded (found by the fault suite). Subscribing again is not
  // enough there; unsubscribing first is. Only shared filters: a plain one survives a restart.
  if (external && o.sharedGroup)
    client.on('connect', (connack) => {
      if (!connack.sessionPresent || stopping) return;
      client
        .unsubscribeAsync(filters)
        .then(subscribe)
        .catch((e: Error) => log.error({ err: e.message }, 'renewing the shared subscription failed'));
    });

  return {
    client,
    async publish(topic: string, payload: Buffer | string, p: { qos: 0 | 1; retain: boolean }) {
      await client.publishAsync(topic, payload, { qos: p.qos, retain: p.retain });
    },
    async requestSnapshot(deviceId: string, cameraId: string, timeoutMs: number, o?: { overlay: boolean }) {
      const requestId = randomUUID();
      const ask = async () => {
        await client.publishAsync(
          TOPICS.snapshotRequest(deviceId),
          JSON.stringify({ v: 1, requestId, cameraId, ...(o ? { overlay: o.overlay } : {}) }),
          { qos: 0 },
        );
      };
      return snapshots.wait({ deviceId, cameraId, requestId }, timeoutMs, ask);
    },
    async stop() {
      stopping = true;
      batcher.stop();
      await client.endAsync(true);
    },
  };
}
