#!/usr/bin/env node
// The sources are TypeScript run directly (workspace convention); tsx compiles them on load.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
