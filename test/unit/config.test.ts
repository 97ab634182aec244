import { describe, expect, it } from 'vitest';

import { ConfigError, loadConfig } from '../../src/config.js';

describe('config', () => {
  it('has working defaults with no environment', () => {
    const c = loadConfig({});
    expect(c.port).toBe(8080);
    expect(c.databaseUrl).toBeUndefined();
    expect(c.redisUrl).toBeUndefined();
    expect(c.bodyLimitBytes).toBe(64 * 1024 * 1024);
    expect(c.dataDir).toMatch(/\.rmdx$/);
  });

  it('names the variable of a bad value', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ RMDX_CHUNK_SIZE: '0' })).toThrow(/RMDX_CHUNK_SIZE/);
  });

  it('coerces numbers and booleans', () => {
    const c = loadConfig({ PORT: '9000', RMDX_WORKERS_IN_SERVER: 'false', RMDX_BODY_LIMIT_MB: '1.5' });
    expect(c.port).toBe(9000);
    expect(c.workersInServer).toBe(false);
    expect(c.bodyLimitBytes).toBe(Math.round(1.5 * 1024 * 1024));
  });
});
