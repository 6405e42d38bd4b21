import { z } from 'zod';
import { DEVICE_ID_PATTERN, cameraListSchema } from '@smartstock/protocol';
import { DEFAULT_FULL_ABOVE, PERSON_COVER, TILE_PLAN_TEXT, TILE_PLAN_TEXT_RULE } from '@smartstock/models';

/**
 * The agent's one config file. Every section is strict so a typo'd key is an
 * error naming it rather than a silently ignored setting (frigate extra=forbid).
 * `cameras` is the starting point only: the cloud's retained config replaces it
 * at run time and the last applied revision is kept in the outbox database.
 */
const file = z.string().min(1, 'expected a file path');

export const mqttSchema = z
  .object({
    url: z.string().regex(/^(mqtts?|tls|ssl):\/\/.+/, 'expected an mqtts:// (or mqtt://) URL'),
    caFile: file.optional().describe('the broker CA bundle (AmazonRootCA1.pem for AWS IoT)'),
    certFile: file.optional().describe('the device certificate; its CN is the thing name'),
    keyFile: file.optional().describe('the device private key; never logged'),
    maxPublishesPerSecond: z.number().positive().max(100).default(10),
    statusIntervalSeconds: z.number().positive().default(60),
    keepaliveSeconds: z.number().int().min(5).max(1200).default(30),
    reconnectMinMs: z.number().int().positive().default(1000),
    reconnectMaxMs: z.number().int().positive().default(60_000),
    maxInflight: z.number().int().min(1).max(100).default(10),
    /**
     * 4 (MQTT 3.1.1) speaks to every broker, the embedded one (aedes) included. 5 lets Mosquitto,
     * EMQX or AWS IoT answer a batch nobody is subscribed to with "no matching subscribers": the
     * agent then keeps it and sends it again instead of counting it delivered.
     */
    protocolVersion: z.union([z.literal(4), z.literal(5)]).default(4),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (m.url.startsWith('mqtts') || m.url.startsWith('tls') || m.url.startsWith('ssl')) {
      for (const k of ['caFile', 'certFile', 'keyFile'] as const)
        if (!m[k]) ctx.addIssue({ code: 'custom', path: [k], message: `required for mutual TLS (${m.url.split(':')[0]}://)` });
    }
    if (m.reconnectMaxMs < m.reconnectMinMs)
      ctx.addIssue({ code: 'custom', path: ['reconnectMaxMs'], message: 'must be at least reconnectMinMs' });
  });

export const outboxSchema = z
  .object({
    maxRows: z.number().int().min(100).default(2_000_000),
    maxMegabytes: z.number().positive().default(1024),
    /** FULL: every commit fsyncs the WAL, so a committed row survives power loss. NORMAL trades that for speed. */
    synchronous: z.enum(['full', 'normal']).default('full'),
    readBatch: z.number().int().min(1).max(10_000).default(2000),
  })
  .strict();

export const cameraRuntimeSchema = z
  .object({
    ffmpegPath: file.optional(),
    staleAfterSeconds: z.number().positive().default(20),
    /** How long a fresh ffmpeg may take to its first frame (connect, then probe up to 5 s of stream); at least staleAfterSeconds. */
    firstFrameSeconds: z.number().positive().default(15),
    backoffMinMs: z.number().int().positive().default(1000),
    backoffMaxMs: z.number().int().positive().default(60_000),
    /** The wait after a camera refused the user or password (cameras lock an account after a few failed logins). */
    authRetrySeconds: z.number().positive().default(300),
    /** Consecutive attempts without a frame before a camera shows `failed`. */
    failAfterAttempts: z.number().int().min(1).default(3),
    /** A run must stream this long before the backoff ladder starts again from the shortest wait. */
    stableRunSeconds: z.number().positive().default(30),
    /** Decode only keyframes (-skip_frame nokey): far less CPU; frames still sampled at the camera's rate. */
    keyframesOnly: z.boolean().default(true),
    /**
     * "Smart codec" cameras (H.264+/H.265+, Smart Codec, Zipstream) and long GOPs at low frame rates send
     * keyframes 10-60 s apart: keyframes only, such a camera never gave a picture within the limits and was
     * restarted forever. With this, a camera whose video keeps arriving without a picture from keyframes
     * decodes every frame from then on (logged once, shown in its status), and a run waits for the first
     * keyframe while video arrives. ffmpeg then also lists the video packets (a stream copy, no decoding)
     * so that a camera that stalls is still told apart and restarted. false: as before.
     */
    keyframesFallback: z.boolean().default(true),
    /** Longest side of the sampled JPEG; 0 keeps the camera's size. */
    maxWidth: z.number().int().min(0).default(1280),
    /**
     * ffmpeg also hands the vision models each sampled frame as raw RGB, at the size they would
     * decode the JPEG at and at the detector's input size, beside the JPEG (kept for snapshots):
     * ffmpeg's scaler, in the camera's process, replaces decoding and resizing the JPEG in the
     * agent. false: the models decode the JPEG.
     */
    rawFrames: z.boolean().default(true),
    stopGraceMs: z.number().int().positive().default(3000),
  })
  .strict();

export const visionSchema = z
  .object({
    detector: z.enum(['onnx']).default('onnx'),
    modelDir: file.optional(),
    threads: z.number().int().min(1).max(64).optional(),
    scoreThreshold: z.number().min(0).max(1).optional(),
    /**
     * Also look at each frame turned (a quarter and 45° each way), for bottles lying on their side (a wine rack,
     * a crate) or leaning (an ice well): five times the detector's work a frame. Default: the model folder's
     * detector.json (the shipped one: off).
     */
    lying: z.boolean().optional(),
    /**
     * Cut each frame into tiles, each seen at about the detector's scale, beside the whole frame: a camera far from
     * its shelf, whose bottles are 20-40 px tall in the frame. `auto` picks the grid from the frame's size (5x3 and
     * the whole frame at 720p: about six times the detector's work; a frame up to twice the detector's input is
     * tiled only when its whole pass shows small bottles), `3x2` names one, `none` one pass.
     * Default: the model folder's detector.json (the shipped one: none).
     */
    tiles: z.string().regex(TILE_PLAN_TEXT, TILE_PLAN_TEXT_RULE).optional(),
    queueSize: z.number().int().min(1).max(256).default(16),
  })
  .strict();

export const shelfSchema = z
  .object({
    /** A slot's count changes only after this many consistent readings. */
    consistentReadings: z.number().int().min(1).default(3),
    /** A reading whose mean detection score is below this is treated as occluded. */
    occlusionScore: z.number().min(0).max(1).default(0.45),
    /** A drop of more than this fraction of the slot's bottles in one reading looks like someone in front. */
    occlusionDropFraction: z.number().min(0).max(1).default(0.5),
    /** An occluded-looking reading is accepted only after this many in a row (a real clear-out). */
    occlusionHoldReadings: z.number().int().min(1).default(10),
    /**
     * A slot counts as hidden, and its reading as occluded, when a person the detector sees in the frame covers at
     * least this share of the slot's box (1: only when wholly covered). Needs a detector with a `person` class (the shipped one).
     */
    personCover: z.number().gt(0).max(1).default(PERSON_COVER),
    /**
     * A different count read while a person hides the slot is believed only after this many readings in a row:
     * a bartender pouring stands there a while; something the detector takes for a person that never leaves
     * (a poster, a television over the bar) delays that slot's changes by this many readings, no more.
     */
    personHoldReadings: z.number().int().min(1).default(30),
    heartbeatSeconds: z.number().positive().default(300),
    /** Units move by at least this much before an observation is emitted for a fill change. */
    unitsEpsilon: z.number().min(0).default(0.1),
    /** A bottle at or above this fill counts as a full unit. */
    fullAbove: z.number().min(0).max(1).default(DEFAULT_FULL_ABOVE),
  })
  .strict();

export const privacySchema = z
  .object({
    /** Blur every person a snapshot shows, slots included, before it leaves the device. */
    blurPeople: z.boolean().default(true),
    /** A detector metadata file whose classes include `person`; the committed COCO YOLOX-Nano by default. */
    peopleModel: file.optional(),
    peopleScoreThreshold: z.number().min(0).max(1).optional(),
  })
  .strict();

export const healthSchema = z
  .object({
    enabled: z.boolean().default(true),
    host: z
      .string()
      .refine((h) => h === 'localhost' || h === '::1' || h.startsWith('127.'), 'health listens on loopback only')
      .default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(9464),
  })
  .strict();

export const agentConfigSchema = z
  .object({
    deviceId: z.string().regex(DEVICE_ID_PATTERN, 'expected the thing name: 1-128 of [a-zA-Z0-9:_-]'),
    dataDir: file.describe('where the outbox database lives'),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
    mqtt: mqttSchema,
    outbox: outboxSchema.default(outboxSchema.parse({})),
    camera: cameraRuntimeSchema.default(cameraRuntimeSchema.parse({})),
    vision: visionSchema.default(visionSchema.parse({})),
    shelf: shelfSchema.default(shelfSchema.parse({})),
    privacy: privacySchema.default(privacySchema.parse({})),
    health: healthSchema.default(healthSchema.parse({})),
    cameras: cameraListSchema.default([]),
  })
  .strict();

export type AgentConfig = z.infer<typeof agentConfigSchema>;
/** What callers pass: defaults may be left out. */
export type AgentConfigInput = z.input<typeof agentConfigSchema>;
