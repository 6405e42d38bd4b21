import { closeSync } from 'node:fs';
import type { CameraConfig, CameraHealth } from '@smartstock/protocol';
import { headerSize } from '@smartstock/models';
import { redactUrl, type Logger } from '@smartstock/runtime';
import type { AgentConfig } from '../config/schema.js';
import type { EventBus } from '../bus.js';
import type { Metrics } from '../health/metrics.js';
import { ffmpegArgs, PIPES, RESOLUTION_CHANGED } from './ffmpeg-args.js';
import { FrameAssembler, type FrameParts } from './frame-parts.js';
import { JpegSplitter } from './jpeg-splitter.js';
import { PacketLines } from './packet-lines.js';
import { FramePool, PpmSplitter } from './ppm-splitter.js';
import { openFramePipe, pipeOf, spawnFfmpeg, stopProcess, type FfmpegChild } from './process.js';
import { StderrRing, summariseFfmpegFailure } from './stderr-ring.js';
import {
  cameraState,
  decide,
  enterBackoff,
  enterEveryFrame,
  enterRunning,
  initialWatchState,
  onFrame,
  onPacket,
  type WatchOptions,
  type WatchState,
} from './watchdog.js';

export interface CameraDeps {
  runtime: AgentConfig['camera'];
  ffmpegPath: string;
  bus: EventBus;
  metrics: Metrics;
  log: Logger;
  /** Called when the camera's state or reason changes (status is published on change). */
  onStateChange: (h: CameraHealth) => void;
  /** The detector's input size: ffmpeg then also writes each frame at its letterboxed size. */
  detectorInput?: { width: number; height: number } | undefined;
  now?: () => number;
}

/** The longest keyframe interval we expect of a camera (smart codecs: up to 60 s); see WatchOptions.keyframeWaitMs. */
const KEYFRAME_WAIT_MS = 65_000;

/** One camera: one ffmpeg child, supervised by the pure watchdog in watchdog.ts. */
export class Camera {
  private state: WatchState;
  private child: FfmpegChild | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly stderr = new StderrRing(100);
  private readonly opts: WatchOptions;
  private readonly now: () => number;
  private restarts = 0;
  private frameTimes: number[] = [];
  private lastFrame: { jpeg: Buffer; at: number } | null = null;
  private lastReported = '';
  /** Buffers of the raw pictures (frame, view), reused across ffmpeg restarts. */
  private readonly pools = { frame: new FramePool(), view: new FramePool() };
  /** Which transport an `auto` camera tries next; the one that worked is kept. */
  private autoTransport: 'tcp' | 'udp' = 'tcp';
  /** Why this camera decodes every frame although keyframesOnly is set (its keyframes proved too far apart). */
  private everyFrame: { apartOverS: number } | null = null;
  /** Seconds between the camera's last two keyframes, where ffmpeg's packet list showed them. */
  private keyframeIntervalS: number | null = null;
  dropped = 0;

  constructor(
    readonly config: CameraConfig,
    private readonly deps: CameraDeps,
  ) {
    this.now = deps.now ?? Date.now;
    const runtime = deps.runtime;
    this.state = initialWatchState(runtime.keyframesOnly ? 'keyframes' : 'every-frame');
    this.opts = {
      staleAfterMs: runtime.staleAfterSeconds * 1000,
      backoffMinMs: runtime.backoffMinMs,
      backoffMaxMs: runtime.backoffMaxMs,
      failAfterAttempts: runtime.failAfterAttempts,
      stableRunMs: runtime.stableRunSeconds * 1000,
      firstFrameMs: runtime.firstFrameSeconds * 1000,
      authRetryMs: runtime.authRetrySeconds * 1000,
      keyframesFallback: runtime.keyframesFallback,
      keyframeWaitMs: runtime.keyframesFallback ? KEYFRAME_WAIT_MS : 0,
    };
  }

  get id(): string {
    return this.config.id;
  }

  start(): void {
    if (!this.config.enabled) {
      this.report();
      return;
    }
    this.state = enterRunning(this.state, this.now(), this.deps.runtime.keyframesFallback);
    this.spawn();
    const every = Math.max(100, Math.min(1000, this.opts.staleAfterMs / 4));
    this.timer = setInterval(() => void this.tick(), every);
    this.report();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.state = { ...this.state, phase: 'stopped' };
    const child = this.child;
    this.child = null;
    if (child) await stopProcess(child, this.deps.runtime.stopGraceMs);
  }

  latestFrame(): { jpeg: Buffer; at: number } | null {
    return this.lastFrame;
  }

  health(): CameraHealth {
    const now = this.now();
    const { state, reason } = cameraState(this.state, now, this.opts);
    const recent = this.frameTimes.filter((t) => now - t <= 60_000);
    const fps = recent.length >= 2 ? (recent.length - 1) / ((recent.at(-1)! - recent[0]!) / 1000) : 0;
    // only a camera that fell back carries the fields, so other statuses stay as a cloud before them expects
    const fellBack = this.everyFrame;
    const interval = this.keyframeIntervalS;
    const note = fellBack
      ? `${interval ? `keyframes ${interval} s apart` : `keyframes more than ${fellBack.apartOverS} s apart`}: decoding every frame (more CPU)`
      : undefined;
    const why = reason ?? (state === 'streaming' ? note : undefined);
    return {
      id: this.id,
      state,
      ...(why ? { reason: why.slice(0, 500) } : {}),
      ...(fellBack ? { decoding: 'every-frame' as const, ...(interval ? { keyframeIntervalS: interval } : {}) } : {}),
      fps: Number.isFinite(fps) ? Math.round(fps * 1000) / 1000 : 0,
      lastFrameAt: this.state.lastFrameAt === null ? null : new Date(this.state.lastFrameAt).toISOString(),
      restarts: this.restarts,
      droppedFrames: this.dropped,
    };
  }

  private async tick(): Promise<void> {
    const now = this.now();
    const decision = decide(this.state, now, this.opts);
    if (decision.action === 'start') {
      this.state = enterRunning(this.state, now, this.deps.runtime.keyframesFallback);
      this.spawn();
    } else if (decision.action === 'every-frame') {
      this.everyFrame = { apartOverS: decision.waitedS };
      this.deps.log.warn(
        {
          keyframesApartOverS: decision.waitedS,
          keyframeIntervalS: this.keyframeIntervalS ?? undefined,
          setting: 'camera.keyframesFallback',
        },
        `the camera's keyframes are more than ${decision.waitedS} s apart while its video keeps coming: decoding every frame from now on, which costs more CPU (a keyframe every 1-4 s on the camera saves it)`,
      );
      this.state = enterEveryFrame(this.state, now, decision.reason);
      this.restarts += 1; // a new ffmpeg all the same
      this.deps.metrics.cameraRestarts.inc({ camera: this.id });
      const child = this.child;
      this.child = null;
      if (child) await stopProcess(child, this.deps.runtime.stopGraceMs);
    } else if (decision.action === 'restart' || decision.action === 'backoff') {
      const streamed = this.state.lastFrameAt !== null && this.state.startedAt !== null && this.state.lastFrameAt >= this.state.startedAt;
      this.state = enterBackoff(this.state, now, decision, this.opts);
      this.restarts += 1;
      this.deps.metrics.cameraRestarts.inc({ camera: this.id });
      // `auto`: a run that never produced a frame tries the other transport next; one that streamed keeps it.
      if (this.config.transport === 'auto' && !streamed) this.autoTransport = this.autoTransport === 'tcp' ? 'udp' : 'tcp';
      this.deps.log.warn(
        { reason: decision.reason, retryInMs: decision.delayMs, stderr: this.stderr.snapshot().slice(-20) },
        'camera restarting',
      );
      const child = this.child;
      this.child = null;
      if (child) await stopProcess(child, this.deps.runtime.stopGraceMs);
    }
    this.report();
  }

  private spawn(): void {
    const transport = this.config.transport === 'auto' ? this.autoTransport : this.config.transport;
    const command = ffmpegArgs({
      url: this.config.url,
      transport,
      sampleEverySeconds: this.config.sampleEverySeconds,
      keyframesOnly: this.state.decodes === 'keyframes',
      packetLog: this.deps.runtime.keyframesFallback,
      maxWidth: this.deps.runtime.maxWidth,
      rawFrames: this.deps.runtime.rawFrames,
      detectorInput: this.deps.detectorInput,
    });
    this.deps.log.info({ stream: redactUrl(this.config.url), transport }, 'starting ffmpeg');
    this.stderr.clear();
    const parts = !this.deps.runtime.rawFrames
      ? (['jpeg'] as const)
      : this.deps.detectorInput
        ? (['jpeg', 'frame', 'view'] as const)
        : (['jpeg', 'frame'] as const);
    const assembler = new FrameAssembler(parts);
    const jpegs = new JpegSplitter();
    let broken = false;
    let child: FfmpegChild | null = null; // the pipes are opened before the child that writes them
    const splitters = { frame: new PpmSplitter(undefined, this.pools.frame.take), view: new PpmSplitter(undefined, this.pools.view.take) };
    const feed = (part: 'jpeg' | 'frame' | 'view', chunk: Buffer) => {
      // a child we already stopped can still flush buffered frames; counting them would make a
      // dead stream look alive (and reset the watchdog) for a process that no longer exists
      if (!child || this.child !== child || broken) return;
      try {
        const pictures = part === 'jpeg' ? jpegs.push(chunk) : splitters[part].push(chunk);
        for (const picture of pictures) for (const assembled of assembler.push(part, picture)) this.onFrame(assembled);
      } catch (err) {
        broken = true;
        this.deps.log.warn({ err: (err as Error).message }, 'ffmpeg wrote an unreadable picture: restarting it');
        this.state = { ...this.state, exited: { at: this.now(), code: null, summary: (err as Error).message } };
        void this.tick();
      }
    };
    // the pictures come through FIFOs read into one reused buffer (process.ts), else through spawn pipes
    const fifos = parts.map((part) => openFramePipe((chunk) => feed(part, chunk)));
    const viaFifos = fifos.every((fifo) => fifo !== null);
    if (!viaFifos)
      for (const fifo of fifos) {
        if (!fifo) continue;
        closeSync(fifo.childFd);
        fifo.reader.destroy();
      }
    const raw = parts.slice(1); // frame (fd 3), view (fd 4): PIPES
    const spawned = viaFifos
      ? spawnFfmpeg(
          this.deps.ffmpegPath,
          command,
          fifos.slice(1).map((fifo) => fifo!.childFd),
          fifos[0]!.childFd,
        )
      : spawnFfmpeg(this.deps.ffmpegPath, command, raw.length);
    this.child = child = spawned;
    if (!viaFifos) for (const part of parts) pipeOf(spawned, PIPES[part]).on('data', (chunk: Buffer) => feed(part, chunk));
    const packets = new PacketLines();
    // the packet list (ffmpeg-args.ts packetLog) shares stderr with ffmpeg's log: it feeds the watchdog, not the ring
    const onPacketLine = (line: string): boolean => {
      const packet = packets.read(line);
      if (packet === null) return false;
      if (packet === 'own' || this.child !== spawned) return true;
      this.state = onPacket(this.state, this.now(), packet.key);
      if (packets.keyframeIntervalS !== null) this.keyframeIntervalS = packets.keyframeIntervalS;
      return true;
    };
    spawned.stderr.on('data', (chunk: Buffer) => {
      for (const line of this.stderr.push(chunk, onPacketLine)) {
        this.deps.log.debug({ ffmpeg: line }, 'ffmpeg');
        // ffmpeg would squash the new picture size into the old one: a fresh ffmpeg sets up for the new size
        if (RESOLUTION_CHANGED.test(line) && this.child === spawned && !this.state.exited) {
          this.deps.log.info('the camera changed its resolution: restarting ffmpeg for the new size');
          this.state = { ...this.state, exited: { at: this.now(), code: null, summary: 'the camera changed its resolution' } };
          void this.tick();
        }
      }
    });
    spawned.on('error', (err) => {
      if (this.child !== spawned) return;
      this.state = { ...this.state, exited: { at: this.now(), code: null, summary: `cannot run ffmpeg: ${err.message}` } };
    });
    spawned.on('exit', (code) => {
      if (this.child !== spawned) return; // we killed it on purpose
      const summary = summariseFfmpegFailure(this.stderr.snapshot(), code);
      this.state = { ...this.state, exited: { at: this.now(), code, summary } };
      void this.tick(); // react now, not at the next interval
    });
  }

  private onFrame({ jpeg, frame, view }: FrameParts): void {
    const at = this.now();
    this.state = onFrame(this.state, at);
    this.lastFrame = { jpeg, at };
    this.frameTimes.push(at);
    if (this.frameTimes.length > 64) this.frameTimes.shift();
    this.deps.metrics.frames.inc({ camera: this.id });
    // the raw frame is smaller than the JPEG kept for snapshots; boxes come back in the JPEG's pixels
    const size = frame ? headerSize(jpeg) : null;
    const pixels = frame
      ? { ...frame, ...(size ? { sourceWidth: size.width, sourceHeight: size.height } : {}), ...(view ? { detectorView: view } : {}) }
      : undefined;
    const release = () => {
      if (frame) this.pools.frame.give(frame.data);
      if (view) this.pools.view.give(view.data);
    };
    this.deps.bus.emit('frame', { cameraId: this.id, jpeg, at, ...(pixels ? { pixels, release } : {}) });
    this.report();
  }

  private report(): void {
    const h = this.health();
    const key = `${h.state}|${h.reason ?? ''}`;
    if (key === this.lastReported) return;
    this.lastReported = key;
    this.deps.metrics.setCameraState(this.id, h.state);
    this.deps.log.info({ state: h.state, reason: h.reason }, 'camera state');
    this.deps.onStateChange(h);
  }
}
