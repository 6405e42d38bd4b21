#!/usr/bin/env -S node --single-threaded-gc
// --single-threaded-gc: V8's parallel and concurrent GC helpers cost the agent about 5 ms of CPU per
// analysed frame at 32 cameras on a 2-core box (mostly waiting on each other, for about 1 ms of work
// done on the main thread instead): issue 30. NODE_OPTIONS cannot carry this flag, so it is here.
// The agent runs its TypeScript through tsx, as every workspace package exports src/*.ts.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
