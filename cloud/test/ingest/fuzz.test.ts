import { describeFuzz } from './fuzz.suite.js';

describeFuzz(Number(process.env.FUZZ_N ?? 1_000));
