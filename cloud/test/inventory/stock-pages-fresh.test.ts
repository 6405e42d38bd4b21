import { describeStockPages } from './stock-pages.suite.js';

describeStockPages('PGlite', async () => ({ memory: true }));
