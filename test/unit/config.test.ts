import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../server/config';
import { rootDir } from '../../server/paths';

describe('configuration', () => {
  it('when production mode lacks its secrets, then loading names every missing one', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      'Production mode needs MONGODB_URI, SESSION_SECRET, DATA_KEY, SMTP_URL, BASE_URL, MAIL_FROM',
    );
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        MONGODB_URI: 'mongodb://db.example/teachbridge',
        SESSION_SECRET: 'x'.repeat(40),
        DATA_KEY: 'k'.repeat(40),
        SMTP_URL: 'smtp://mail.example:587',
        BASE_URL: 'https://teachbridge.example.cn',
      }),
    ).toThrow('Production mode needs MAIL_FROM; set it');
  });

  it('when production mode has everything, then it is not local, does not seed, and keeps the given values', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      MONGODB_URI: 'mongodb://db.example/teachbridge',
      SESSION_SECRET: 'x'.repeat(40),
      DATA_KEY: 'k'.repeat(40),
      SMTP_URL: 'smtp://mail.example:587',
      BASE_URL: 'https://teachbridge.example.cn/',
      MAIL_FROM: 'TeachBridge <no-reply@teachbridge.example.cn>',
    });
    expect(config.localMode).toBe(false);
    expect(config.seedDemo).toBe(false);
    expect(config.baseUrl).toBe('https://teachbridge.example.cn');
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('when no database timeouts are set, then the defaults answer within three seconds; set ones are kept, and a heartbeat too slow for the stall wait is refused', () => {
    const base = {
      MONGODB_URI: 'mongodb://db.example/teachbridge',
      SESSION_SECRET: 'x'.repeat(40),
      DATA_KEY: 'k'.repeat(40),
    };
    expect(loadConfig(base).database).toEqual({
      serverSelectionTimeoutMs: 2000,
      connectTimeoutMs: 5000,
      heartbeatMs: 500,
      socketTimeoutMs: 0,
      stallMs: 1500,
    });
    expect(
      loadConfig({
        ...base,
        DB_SERVER_SELECTION_TIMEOUT_MS: '5000',
        DB_CONNECT_TIMEOUT_MS: '3000',
        DB_HEARTBEAT_MS: '2000',
        DB_SOCKET_TIMEOUT_MS: '120000',
        DB_STALL_MS: '4000',
      }).database,
    ).toEqual({
      serverSelectionTimeoutMs: 5000,
      connectTimeoutMs: 3000,
      heartbeatMs: 2000,
      socketTimeoutMs: 120000,
      stallMs: 4000,
    });
    expect(() => loadConfig({ ...base, DB_HEARTBEAT_MS: '10000' })).toThrow(
      'DB_HEARTBEAT_MS must be at least 500 and at least 250 less than DB_STALL_MS (now 10000 and 1500)',
    );
    expect(() => loadConfig({ ...base, DB_STALL_MS: 'soon' })).toThrow('DB_STALL_MS');
  });

  it('when a value is malformed, then loading says which', () => {
    expect(() => loadConfig({ PORT: 'eighty', SESSION_SECRET: 'x'.repeat(40) })).toThrow(/PORT/);
    expect(() => loadConfig({ SESSION_SECRET: 'short' })).toThrow(/SESSION_SECRET must be at least 32 characters/);
  });

  it('when the server process starts in production without secrets, then it exits with that sentence and no stack', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(rootDir, 'server/index.ts')], {
      cwd: rootDir,
      env: { PATH: process.env.PATH, NODE_ENV: 'production' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(
      'Production mode needs MONGODB_URI, SESSION_SECRET, DATA_KEY, SMTP_URL, BASE_URL, MAIL_FROM; set them in the environment and start again.',
    );
  });
});
