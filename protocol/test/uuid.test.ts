import { describe, expect, it } from 'vitest';
import { isUuidV7, uuidv7, uuidv7Time } from '../src/uuid.js';

describe('uuidv7', () => {
  it('makes valid, unique, time-ordered ids even within one millisecond', () => {
    const ids = Array.from({ length: 5000 }, () => uuidv7(1_750_000_000_000));
    expect(ids.every(isUuidV7)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it('encodes its creation time', () => {
    const t = Date.UTC(2026, 10, 25, 12, 0, 0);
    expect(uuidv7Time(uuidv7(t + 10_000)).getTime()).toBeGreaterThanOrEqual(t + 10_000);
  });

  it('rejects other UUID versions', () => {
    expect(isUuidV7('6f1c2d3e-4b5a-4c3d-8e9f-0a1b2c3d4e5f')).toBe(false);
    expect(isUuidV7('not-a-uuid')).toBe(false);
  });
});
