import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, envSchema, parseConfig, requireSecretKey, SECRET_KEY_PLACEHOLDER } from './index.ts';

describe('parseConfig', () => {
  it('applies defaults when nothing is set', () => {
    const config = parseConfig({});
    expect(config.databaseUrl).toBeUndefined();
    expect(config.dagsFolder).toBe('dags');
    expect(config.web.port).toBe(3000);
    expect(config.queuePrefix).toBe('weir');
    expect(config.s3.forcePathStyle).toBe(true);
    expect(config.email.to).toEqual([]);
    expect(config.dagProcessor.pausedAtCreation).toBe(true);
    expect(config.eventBus).toEqual({ url: undefined, partitions: 8 });
  });

  it('reads typed values', () => {
    const config = parseConfig({
      DATABASE_URL: 'postgresql://u:p@db:5432/weir',
      REDIS_URL: 'redis://cache:6380',
      WEIR_WEB_PORT: '8080',
      S3_FORCE_PATH_STYLE: 'false',
      ALERT_EMAIL_TO: 'a@example.com, b@example.com',
      WEIR_DAGS_PAUSED_AT_CREATION: 'false',
      WEIR_EVENT_BUS_URL: 'redis://bus:6379',
      WEIR_EVENT_PARTITIONS: '16',
    });
    expect(config.databaseUrl).toBe('postgresql://u:p@db:5432/weir');
    expect(config.redisUrl).toBe('redis://cache:6380');
    expect(config.web.port).toBe(8080);
    expect(config.s3.forcePathStyle).toBe(false);
    expect(config.email.to).toEqual(['a@example.com', 'b@example.com']);
    expect(config.dagProcessor.pausedAtCreation).toBe(false);
    expect(config.eventBus).toEqual({ url: 'redis://bus:6379', partitions: 16 });
  });

  it('treats empty strings as unset', () => {
    expect(parseConfig({ DATABASE_URL: '  ' }).databaseUrl).toBeUndefined();
  });

  it.each([
    ['REDIS_URL', 'localhost:6379', /REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/],
    ['DATABASE_URL', 'mysql://x@y/z', /DATABASE_URL must be a postgresql:\/\/ or postgres:\/\/ URL/],
    ['WEIR_WEB_PORT', 'eighty', /WEIR_WEB_PORT/],
    ['WEIR_WEB_PORT', '70000', /WEIR_WEB_PORT/],
    ['WEIR_SECRET_KEY', 'short', /WEIR_SECRET_KEY must be at least 32 characters/],
    ['S3_FORCE_PATH_STYLE', 'maybe', /S3_FORCE_PATH_STYLE must be true or false/],
    ['WEIR_DAGS_PAUSED_AT_CREATION', 'sometimes', /WEIR_DAGS_PAUSED_AT_CREATION must be true or false/],
    ['ALERT_EMAIL_TO', 'not-an-email', /ALERT_EMAIL_TO must be a comma-separated list/],
    ['WEIR_LOG_LEVEL', 'loud', /WEIR_LOG_LEVEL/],
    ['WEIR_EVENT_BUS_URL', 'http://bus:6379', /WEIR_EVENT_BUS_URL must be a redis:\/\/ or rediss:\/\/ URL/],
    ['WEIR_EVENT_PARTITIONS', '0', /WEIR_EVENT_PARTITIONS/],
    ['WEIR_EVENT_PARTITIONS', '2000', /WEIR_EVENT_PARTITIONS must be at most 1024/],
  ])('rejects %s=%s with one line naming the variable', (variable, value, message) => {
    let error: unknown;
    try {
      parseConfig({ [variable]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });

  it('never echoes a secret or a URL password in the error', () => {
    expect(() => parseConfig({ WEIR_SECRET_KEY: 'hunter2' })).toThrow(/^(?!.*hunter2).*WEIR_SECRET_KEY/);
    expect(() => parseConfig({ DATABASE_URL: 'mysql://u:topsecret@h/db' })).toThrow(/DATABASE_URL.*\*\*\*/);
  });

  it('refuses the docker-compose placeholder key, and requires a key where a component needs one', () => {
    expect(() => parseConfig({ WEIR_SECRET_KEY: SECRET_KEY_PLACEHOLDER })).toThrow(
      /^invalid configuration: WEIR_SECRET_KEY is the placeholder from docker-compose.yml: set it to a random value/,
    );
    const key = 'k'.repeat(32);
    expect(requireSecretKey(parseConfig({ WEIR_SECRET_KEY: key }), 'worker')).toBe(key);
    let error: unknown;
    try {
      requireSecretKey(parseConfig({}), 'worker');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(
      /^invalid configuration: WEIR_SECRET_KEY is not set, and the worker needs it/,
    );
    expect((error as Error).message).not.toContain('\n');
  });

  it('README documents every variable', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const missing = Object.keys(envSchema.shape).filter((name) => !readme.includes(`\`${name}\``));
    expect(missing, `README.md does not document: ${missing.join(', ')}`).toEqual([]);
  });
});
