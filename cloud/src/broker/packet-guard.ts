import { Transform, type TransformCallback } from 'node:stream';

/**
 * The largest MQTT packet a device may send, fixed header included: twice AWS IoT's 128 KB payload
 * limit. docker/mosquitto/mosquitto.conf sets the same `max_packet_size` for the self-hosted broker.
 */
export const MAX_PACKET_BYTES = 256 * 1024;

export class PacketTooLargeError extends Error {
  constructor(
    readonly size: number,
    readonly limit: number,
  ) {
    super(`MQTT packet of ${size} bytes is over the ${limit}-byte limit`);
  }
}

type State = { at: 'type' } | { at: 'length'; value: number; factor: number; bytes: number } | { at: 'body'; left: number };

/**
 * Passes a device's MQTT byte stream through unchanged, reading only each packet's fixed header.
 * A packet that declares more than `maxBytes` fails the stream at its header, before its body is
 * read: the broker's parser would otherwise buffer the whole body (a 200 MB publish: 200 MB, twice).
 */
export function packetSizeGuard(maxBytes = MAX_PACKET_BYTES): Transform {
  let state: State = { at: 'type' };
  return new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      let i = 0;
      while (i < chunk.length) {
        if (state.at === 'body') {
          const n = Math.min(state.left, chunk.length - i);
          i += n;
          state = n === state.left ? { at: 'type' } : { at: 'body', left: state.left - n };
        } else if (state.at === 'type') {
          i++;
          state = { at: 'length', value: 0, factor: 1, bytes: 0 };
        } else {
          const byte = chunk[i++]!;
          const value = state.value + (byte & 0x7f) * state.factor;
          const bytes = state.bytes + 1;
          // more than four length bytes is malformed (MQTT 2.2.3); the parser would refuse it too
          if (bytes > 4 && byte & 0x80) return done(new PacketTooLargeError(Infinity, maxBytes));
          if (byte & 0x80) {
            state = { at: 'length', value, factor: state.factor * 128, bytes };
            continue;
          }
          const size = 1 + bytes + value;
          if (size > maxBytes) return done(new PacketTooLargeError(size, maxBytes));
          state = value === 0 ? { at: 'type' } : { at: 'body', left: value };
        }
      }
      done(null, chunk);
    },
  });
}
