import pg from 'pg';
import { TEST_DATABASE_URL } from '../support/db.js';
import { describeStockPages } from './stock-pages.suite.js';

const dbName = `ss_stock_pages_${process.pid}`;
const admin = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 1 });

describeStockPages(
  'PostgreSQL',
  async () => {
    await admin.query(`CREATE DATABASE ${dbName}`);
    return { url: Object.assign(new URL(TEST_DATABASE_URL), { pathname: `/${dbName}` }).toString() };
  },
  async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  },
);
