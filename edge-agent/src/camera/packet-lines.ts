/**
 * ffmpeg's framecrc muxer, fed a stream copy of the camera's video (ffmpeg-args.ts `packetLog`), writes one
 * line per packet as it arrives: `0, dts, pts, duration, size, 0xcrc[, F=0xflags][, S=n, …]`, headed by
 * `#tb 0: 1/90000`-style lines. A keyframe-only decoder is silent between keyframes; these lines tell a
 * camera whose keyframes are far apart (packets keep coming) from one that stalled (nothing comes).
 */
export interface VideoPacket {
  /** ffmpeg flagged it a keyframe (AV_PKT_FLAG_KEY). */
  key: boolean;
  /** Its pts in seconds (the agent's wall clock: use_wallclock_as_timestamps), or null if unknown. */
  seconds: number | null;
}

// framecrc leaves out F= for a packet whose flags are exactly "key"
const PACKET = /^(\d+),\s*(-?\d+),\s*(-?\d+),\s*-?\d+,\s*\d+,\s*0x[0-9a-f]+(?:,\s*F=0x([0-9a-f]+))?/i;
const TIME_BASE = /^#tb (\d+): (\d+)\/(\d+)/;
// the muxer's own warnings ("Timestamps are unset in a packet", "Non-monotonous DTS") concern the copy
// only: kept out of the lines a failure summary is read from
const OWN_LINE = /^#|^\[framecrc @/;

/** Reads the packet lines of one ffmpeg run and keeps the interval between its last two keyframes. */
export class PacketLines {
  private timeBase: number | null = null;
  private lastKeyAt: number | null = null;
  /** Seconds between the last two keyframes of this run, once two were seen. */
  keyframeIntervalS: number | null = null;

  /** The packet a line describes; 'own' for the muxer's other lines; null for a line that is ffmpeg's log. */
  read(line: string): VideoPacket | 'own' | null {
    const packet = PACKET.exec(line);
    if (!packet) {
      const tb = TIME_BASE.exec(line);
      if (tb && tb[1] === '0') this.timeBase = Number(tb[2]) / Number(tb[3]);
      return OWN_LINE.test(line) ? 'own' : null;
    }
    const pts = Number(packet[3]);
    // AV_NOPTS_VALUE prints as -2^63; a packet without a time still shows that video arrives
    const seconds = this.timeBase !== null && Number.isSafeInteger(pts) ? pts * this.timeBase : null;
    const key = packet[4] === undefined || (parseInt(packet[4], 16) & 1) === 1;
    if (key && seconds !== null) {
      if (this.lastKeyAt !== null && seconds > this.lastKeyAt) this.keyframeIntervalS = Math.round((seconds - this.lastKeyAt) * 10) / 10;
      this.lastKeyAt = seconds;
    }
    return { key, seconds };
  }
}
