import { describe, expect, it } from 'vitest';
import { TOPICS, parseTopic, TOPIC_KINDS } from '../src/topics.js';

describe('topics', () => {
  it('builds every v1 topic under the device subtree and parses it back', () => {
    const built = [
      TOPICS.obs('bar-1'),
      TOPICS.status('bar-1'),
      TOPICS.config('bar-1'),
      TOPICS.configAck('bar-1'),
      TOPICS.snapshotRequest('bar-1'),
      TOPICS.snapshot('bar-1'),
    ];
    expect(built.map((t) => parseTopic(t)?.kind)).toEqual([...TOPIC_KINDS]);
    for (const t of built) {
      expect(t.startsWith(TOPICS.deviceRoot('bar-1'))).toBe(true);
      expect(t.split('/').length - 1).toBeLessThanOrEqual(7); // AWS IoT topic depth limit
      expect(t.startsWith('$aws/')).toBe(false);
    }
  });

  it('refuses device ids that would escape their subtree', () => {
    for (const bad of ['a/b', '+', '#', '', 'x'.repeat(129), 'bar 1']) {
      expect(() => TOPICS.obs(bad)).toThrow(/invalid device id/);
    }
  });

  it('returns null for topics that are not ours', () => {
    expect(parseTopic('smartstock/v2/bar-1/obs')).toBeNull();
    expect(parseTopic('smartstock/v1/bar-1/unknown')).toBeNull();
    expect(parseTopic('smartstock/v1/+/obs')).toBeNull();
    expect(parseTopic('other/bar-1/obs')).toBeNull();
  });

  it('builds wildcard and shared-subscription filters', () => {
    expect(TOPICS.all('obs')).toBe('smartstock/v1/+/obs');
    expect(TOPICS.shared('cloud', 'status')).toBe('$share/cloud/smartstock/v1/+/status');
  });
});
