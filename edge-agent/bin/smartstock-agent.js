#!/usr/bin/env node
// The agent runs its TypeScript through tsx, as every workspace package exports src/*.ts.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
