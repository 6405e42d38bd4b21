import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { PacketTooLargeError, packetSizeGuard } from '../../src/broker/packet-guard.js';

/** an MQTT packet as the guard sees it: a type byte, the remaining length (MQTT's varint), a body */
const packet = (type: number, body: number) => {
  const length: number[] = [];
  for (let n = body; ; n = Math.floor(n / 128)) {
    length.push((n % 128) | (n >= 128 ? 0x80 : 0));
    if (n < 128) break;
  }
  return Buffer.concat([Buffer.from([type << 4, ...length]), Buffer.alloc(body, 0x61)]);
};
const publish = (body: number) => packet(3, body);
const ping = packet(12, 0);
/** the stream cut into pieces of `size` bytes: headers and length bytes fall across chunk edges */
const inPieces = (b: Buffer, size: number) =>
  Readable.from(Array.from({ length: Math.ceil(b.length / size) }, (_, i) => b.subarray(i * size, (i + 1) * size)));

describe('packetSizeGuard', () => {
  it('passes packets up to the limit through unchanged, however the stream is cut', async () => {
    const stream = Buffer.concat([publish(100), ping, publish(1000), publish(16_000), ping]);
    for (const size of [1, 3, 7, 4096])
      expect((await buffer(inPieces(stream, size).pipe(packetSizeGuard(17_000)))).equals(stream)).toBe(true);
  });

  it('fails at the header of a packet over the limit, before its body arrives', async () => {
    const header = publish(20_000).subarray(0, 5); // fixed header and a little: the body never comes
    const guard = packetSizeGuard(17_000);
    const err = await buffer(inPieces(Buffer.concat([publish(10), header]), 2).pipe(guard)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PacketTooLargeError);
    expect((err as PacketTooLargeError).size).toBeGreaterThan(20_000);
  });
});
