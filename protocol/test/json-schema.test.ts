import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toJsonSchemas } from '../src/json-schema.js';

describe('committed JSON Schemas', () => {
  it('match the zod source (run `npm run schemas -w protocol` after changing a message)', () => {
    const dir = new URL('../schemas/', import.meta.url);
    const generated = toJsonSchemas();
    const committed = readdirSync(dir).filter((f) => f.endsWith('.schema.json'));
    expect(committed.sort()).toEqual(
      Object.keys(generated)
        .map((n) => `${n}.schema.json`)
        .sort(),
    );
    for (const [name, schema] of Object.entries(generated)) {
      const onDisk = JSON.parse(readFileSync(new URL(`${name}.schema.json`, dir), 'utf8'));
      expect(onDisk, name).toEqual(JSON.parse(JSON.stringify(schema)));
    }
  });
});
