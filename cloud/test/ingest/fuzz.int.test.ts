import { describeFuzz } from './fuzz.suite.js';

describeFuzz(Number(process.env.FUZZ_N ?? 10_000));
