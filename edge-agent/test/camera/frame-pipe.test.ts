import { describe, expect, it } from 'vitest';
import { openFramePipe, spawnFfmpeg } from '../../src/camera/process.js';

describe('frame pipe (FIFO read into one reused buffer)', () => {
  it('hands over every byte the child writes to its fd 3, in order, and ends when the child exits', async () => {
    const chunks: Buffer[] = [];
    const pipe = openFramePipe((c) => chunks.push(Buffer.from(c)));
    expect(pipe).not.toBeNull();
    const closed = new Promise<void>((r) => pipe!.reader.once('close', () => r()));
    // 300,000 bytes: more than a pipe holds, so the child waits for the agent's reads
    const child = spawnFfmpeg('sh', { args: ['-c', 'printf P6 >&3; head -c 300000 /dev/zero | tr "\\0" x >&3'] }, [pipe!.childFd]);
    await closed;
    const all = Buffer.concat(chunks);
    expect(all.length).toBe(300_002);
    expect(all.subarray(0, 3).toString()).toBe('P6x');
    expect(all.subarray(2).every((b) => b === 0x78)).toBe(true);
    expect(chunks.length).toBeGreaterThan(1); // read in several pieces, each copied out before the next
    await new Promise((r) => (child.exitCode === null ? child.once('exit', r) : r(null)));
  });
});
