import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('has documented defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 4000, host: '0.0.0.0', databaseUrl: undefined, logLevel: 'info', cookieSecure: false, sessionTtlHours: 12, maxQueryDepth: 12 });
    expect(c.dataDir.endsWith('.data')).toBe(true);
  });

  it('lists every problem at once', () => {
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', ROLLCALL_ADMIN_EMAIL: 'a@b.c', LOG_LEVEL: 'loud', ROLLCALL_COOKIE_SECURE: 'perhaps' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join('\n');
      expect((err as ConfigError).problems).toHaveLength(5);
      for (const name of ['PORT', 'DATABASE_URL', 'ROLLCALL_ADMIN_PASSWORD', 'LOG_LEVEL', 'ROLLCALL_COOKIE_SECURE']) expect(problems).toContain(name);
    }
  });

  it('requires a long enough bootstrap password', () => {
    expect(() => loadConfig({ ROLLCALL_ADMIN_EMAIL: 'a@b.c', ROLLCALL_ADMIN_PASSWORD: 'short' })).toThrow(/at least 10/);
  });
});
