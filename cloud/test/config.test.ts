import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { loadCloudConfig, parseCloudConfig } from '../src/config.js';

describe('cloud config', () => {
  it('defaults to the embedded database and loopback', () => {
    const c = loadCloudConfig({ environment: {} });
    expect(c).toMatchObject({ http: { host: '127.0.0.1', port: 8080 }, dataDir: './data', database: {} });
  });

  it('reads the environment', () => {
    const c = loadCloudConfig({ environment: { PORT: '9123', DATABASE_URL: 'postgres://u@h/db' } });
    expect(c.http.port).toBe(9123);
    expect(c.database.url).toBe('postgres://u@h/db');
  });

  it('keeps live events a day unless told, and refuses a retention under an hour, naming the key', () => {
    expect(loadCloudConfig({ environment: {} }).live).toEqual({ retentionHours: 24, maxBehindBytes: 4 * 1024 * 1024 });
    expect(loadCloudConfig({ environment: { LIVE_RETENTION_HOURS: '72' } }).live.retentionHours).toBe(72);
    expect(() => loadCloudConfig({ environment: { LIVE_RETENTION_HOURS: '0' } })).toThrow(
      /live\.retentionHours: .*1.*\(from env LIVE_RETENTION_HOURS\)/,
    );
    expect(() => parseCloudConfig({ live: { retentionHours: 1.5 } })).toThrow(/retentionHours/);
  });

  it("pulls each POS connection's previous day nightly at 05:00 local unless told, and refuses an hour from 6 on, naming the key", () => {
    expect(loadCloudConfig({ environment: {} }).pos).toMatchObject({ nightlyBackfill: true, nightlyBackfillHour: 5 });
    const set = loadCloudConfig({ environment: { POS_NIGHTLY_BACKFILL: 'false', POS_NIGHTLY_BACKFILL_HOUR: '3' } }).pos;
    expect(set).toMatchObject({ nightlyBackfill: false, nightlyBackfillHour: 3 });
    expect(() => loadCloudConfig({ environment: { POS_NIGHTLY_BACKFILL_HOUR: '6' } })).toThrow(
      /pos\.nightlyBackfillHour: must be before 6, when the daily variance report runs \(from env POS_NIGHTLY_BACKFILL_HOUR\)/,
    );
    expect(() => loadCloudConfig({ environment: { POS_NIGHTLY_BACKFILL: 'sometimes' } })).toThrow(/pos\.nightlyBackfill: /);
  });

  it('closes a dashboard socket 4 MiB behind unless told, and refuses a limit under 1 KiB, naming the key', () => {
    expect(loadCloudConfig({ environment: { LIVE_MAX_BEHIND_BYTES: '65536' } }).live.maxBehindBytes).toBe(65536);
    expect(() => loadCloudConfig({ environment: { LIVE_MAX_BEHIND_BYTES: '10' } })).toThrow(
      /live\.maxBehindBytes: .*1024.*\(from env LIVE_MAX_BEHIND_BYTES\)/,
    );
  });

  it('keeps raw observations 90 days unless told, and refuses a retention under a week, naming the key', () => {
    expect(loadCloudConfig({ environment: {} }).observations).toEqual({
      retentionDays: 90,
      partitionMonthsAhead: 2,
      heartbeatKeepSeconds: 3600,
    });
    expect(loadCloudConfig({ environment: { OBSERVATION_RETENTION_DAYS: '365' } }).observations.retentionDays).toBe(365);
    expect(() => loadCloudConfig({ environment: { OBSERVATION_RETENTION_DAYS: '3' } })).toThrow(
      /observations\.retentionDays: .*7.*\(from env OBSERVATION_RETENTION_DAYS\)/,
    );
  });

  it('keeps an unchanged heartbeat row per slot an hour unless told (0: every one), and refuses a bad keep, naming the key', () => {
    expect(loadCloudConfig({ environment: { OBSERVATION_HEARTBEAT_KEEP_SECONDS: '0' } }).observations.heartbeatKeepSeconds).toBe(0);
    expect(loadCloudConfig({ environment: { OBSERVATION_HEARTBEAT_KEEP_SECONDS: '900' } }).observations.heartbeatKeepSeconds).toBe(900);
    expect(() => loadCloudConfig({ environment: { OBSERVATION_HEARTBEAT_KEEP_SECONDS: '-1' } })).toThrow(
      /observations\.heartbeatKeepSeconds: .*0.*\(from env OBSERVATION_HEARTBEAT_KEEP_SECONDS\)/,
    );
    expect(() => loadCloudConfig({ environment: { OBSERVATION_HEARTBEAT_KEEP_SECONDS: 'hourly' } })).toThrow(
      /observations\.heartbeatKeepSeconds/,
    );
    expect(() => parseCloudConfig({ observations: { heartbeatKeepSeconds: 90_000 } })).toThrow(/heartbeatKeepSeconds/);
  });

  it('validates REDIS_URL, naming the key and never echoing its password', () => {
    expect(() => loadCloudConfig({ environment: { REDIS_URL: 'http://:hunter2@cache:6379' } })).toThrow(
      /^config error: redis\.url: expected a redis:\/\/ or rediss:\/\/ URL \(from env REDIS_URL\)$/,
    );
    const c = loadCloudConfig({ environment: { REDIS_URL: 'rediss://:hunter2@cache:6380/0', REDIS_KEY_PREFIX: 'bar-a:' } });
    expect(c.redis).toEqual({ url: 'rediss://:hunter2@cache:6380/0', keyPrefix: 'bar-a:' });
    expect(loadCloudConfig({ environment: {} }).redis).toEqual({ keyPrefix: 'smartstock:' });
  });

  it('the dashboard public URL: an http(s) address without # or ?, naming the key', () => {
    expect(loadCloudConfig({ environment: { SMARTSTOCK_PUBLIC_URL: 'https://bar.example/' } }).orgs.publicUrl).toBe('https://bar.example/');
    expect(() => loadCloudConfig({ environment: { SMARTSTOCK_PUBLIC_URL: 'https://bar.example/#/' } })).toThrow(
      /^config error: orgs\.publicUrl: expected the dashboard address without \? or # .*\(from env SMARTSTOCK_PUBLIC_URL\)$/,
    );
    expect(() => loadCloudConfig({ environment: { SMARTSTOCK_PUBLIC_URL: 'bar.example' } })).toThrow(/^config error: orgs\.publicUrl: /);
  });

  it("takes more names for the embedded broker's certificate from BROKER_HOSTNAMES or the command line, naming the key of a bad one", () => {
    expect(loadCloudConfig({ environment: {} }).broker.embedded.hostnames).toEqual([]);
    const env = { BROKER_HOSTNAMES: 'backbar-pc.lan, 192.168.1.23,fd00::2' };
    expect(loadCloudConfig({ environment: env }).broker.embedded.hostnames).toEqual(['backbar-pc.lan', '192.168.1.23', 'fd00::2']);
    expect(() => loadCloudConfig({ environment: { BROKER_HOSTNAMES: 'backbar-pc.lan,bar pc' } })).toThrow(
      /broker\.embedded\.hostnames\.1: expected a host name .* or an IP address \(from env BROKER_HOSTNAMES\)/,
    );
    const flag = { 'broker.embedded.hostnames': ['mqtts://backbar-pc.lan'] };
    expect(() => loadCloudConfig({ environment: {}, overrides: flag })).toThrow(/broker\.embedded\.hostnames\.0: .*\(from command line\)/);
    expect(() => loadCloudConfig({ environment: { BROKER_HOSTNAMES: 'a,,b' } })).toThrow(/broker\.embedded\.hostnames\.1: /);
  });

  it('a bad value prints one line naming the key and exits 2', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: new URL('..', import.meta.url),
      env: { ...process.env, PORT: 'eighty', DATABASE_URL: '' },
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^config error: http\.port: .*number.*\(from env PORT\)/);
  });
});
