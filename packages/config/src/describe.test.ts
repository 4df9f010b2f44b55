import { describe, expect, it } from 'vitest';
import { envSchema } from './config.ts';
import { describeConfig } from './describe.ts';

describe('describeConfig', () => {
  it('lists every variable with its value or default, masking secrets and URL passwords', () => {
    const entries = describeConfig({
      DATABASE_URL: 'postgresql://weir:pw@db:5432/weir',
      REDIS_URL: 'redis://cache:6379',
      S3_ACCESS_KEY_ID: 'AKIA123',
      WEIR_SECRET_KEY: 'x'.repeat(40),
      WEIR_WEB_PORT: ' ',
    });
    expect(entries.map((e) => e.name)).toEqual(Object.keys(envSchema.shape));
    const byName = Object.fromEntries(entries.map((e) => [e.name, [e.value, e.source]]));
    expect(byName.DATABASE_URL).toEqual(['postgresql://weir:***@db:5432/weir', 'set']);
    expect(byName.REDIS_URL).toEqual(['redis://cache:6379', 'set']);
    expect(byName.S3_ACCESS_KEY_ID).toEqual(['***', 'set']);
    expect(byName.WEIR_SECRET_KEY).toEqual(['***', 'set']);
    expect(byName.WEIR_WEB_PORT).toEqual(['3000', 'default']);
    expect(byName.WEIR_WORKER_QUEUES).toEqual(['default', 'default']);
    expect(byName.SLACK_TOKEN).toEqual([null, 'unset']);
  });
});
