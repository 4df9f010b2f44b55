import { describe, expect, it } from 'vitest';
import { resolveOptions } from './options.ts';

const base = { endpoint: 'https://weir.example.com', writeKey: 'wk_1' };

describe('resolveOptions', () => {
  it('has the documented defaults, and Node gets no platform', () => {
    expect(resolveOptions(base)).toMatchObject({
      eventsUrl: 'https://weir.example.com/api/v1/events',
      beaconUrl: 'https://weir.example.com/api/v1/events?writeKey=wk_1',
      flushAt: 10,
      flushIntervalMs: 5_000,
      maxBatchBytes: 500_000,
      maxQueueSize: 10_000,
      retry: { baseMs: 500, maxMs: 30_000, maxAttempts: 10 },
      closeTimeoutMs: 10_000,
      platform: null,
      page: undefined,
    });
  });

  it('keeps a path prefix and escapes the key in the beacon URL', () => {
    const r = resolveOptions({ endpoint: 'https://example.com/weir/', writeKey: 'a b&c' });
    expect(r.eventsUrl).toBe('https://example.com/weir/api/v1/events');
    expect(new URL(r.beaconUrl).searchParams.get('writeKey')).toBe('a b&c');
  });

  it.each([
    [{ ...base, endpoint: 'weir.example.com' }, /absolute URL/],
    [{ ...base, writeKey: '' }, /writeKey is required/],
    [{ ...base, flushAt: 0 }, /flushAt/],
    [{ ...base, flushAt: 5_000 }, /flushAt must be a number in \(0, 1000\]/],
    [{ ...base, flushAt: 20, maxQueueSize: 10 }, /maxQueueSize \(10\) must be at least flushAt \(20\)/],
    [{ ...base, platform: 'desktop' as 'web' }, /platform must be one of ios, android, web/],
  ])('refuses bad options with INVALID_OPTIONS (%#)', (opts, message) => {
    expect(() => resolveOptions(opts)).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTIONS', message: expect.stringMatching(message) }),
    );
  });
});
