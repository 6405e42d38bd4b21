import { writeFileSync } from 'node:fs';
import { toJsonSchemas } from '../src/json-schema.js';

const dir = new URL('../schemas/', import.meta.url);
for (const [name, schema] of Object.entries(toJsonSchemas())) {
  writeFileSync(new URL(`${name}.schema.json`, dir), JSON.stringify(schema, null, 2) + '\n');
  console.log(`wrote schemas/${name}.schema.json`);
}
