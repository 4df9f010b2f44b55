// The wire contract is written twice (here, dependency-free, and in @weir/pipeline as the zod schema
// the collector validates with): these tests keep the two the same and check that what track()
// builds passes the collector's schema.
import { clientEventSchema, PLATFORMS as PIPELINE_PLATFORMS } from '@weir/pipeline';
import { describe, expect, it } from 'vitest';
import { buildEvent, newEventId } from './build-event.ts';
import { type ClientEvent, PLATFORMS } from './index.ts';

const noDefaults = { userId: null, platform: null, appVersion: null };

describe('the client event type', () => {
  it('has exactly the fields of the pipeline envelope', () => {
    // Required<> makes the compiler demand every field; the literal refuses unknown ones.
    const every: Required<ClientEvent> = {
      event_id: newEventId(),
      event_type: 'signup',
      user_id: 'u1',
      session_id: 's1',
      properties: { plan: 'pro' },
      client_ts: '2026-01-01T12:00:00.000Z',
      app_version: '1.2.3',
      platform: 'ios',
      schema_version: 2,
    };
    expect(Object.keys(every).sort()).toEqual(Object.keys(clientEventSchema.shape).sort());
    expect(clientEventSchema.parse(every)).toEqual(every);
    expect([...PLATFORMS]).toEqual([...PIPELINE_PLATFORMS]);
  });

  it('track() output, minimal and full, passes the collector schema', () => {
    const minimal = buildEvent('page_view', undefined, {}, noDefaults);
    expect(clientEventSchema.safeParse(minimal).success).toBe(true);
    expect(minimal).toMatchObject({ event_type: 'page_view', user_id: null, properties: {} });

    const full = buildEvent(
      'checkout',
      { total: 12.5 },
      {
        userId: 'u1',
        sessionId: 's1',
        timestamp: '2026-03-01T10:00:00+02:00',
        platform: 'android',
        appVersion: '4.0.0',
        schemaVersion: 3,
      },
      noDefaults,
    );
    expect(clientEventSchema.parse(full)).toEqual(full);
    // Stored as UTC with milliseconds.
    expect(full.client_ts).toBe('2026-03-01T08:00:00.000Z');
  });
});

describe('buildEvent', () => {
  it('fills a fresh UUID per event unless one is given', () => {
    const a = buildEvent('x', {}, {}, noDefaults);
    const b = buildEvent('x', {}, {}, noDefaults);
    expect(a.event_id).not.toBe(b.event_id);
    const id = newEventId();
    expect(buildEvent('x', {}, { eventId: id }, noDefaults).event_id).toBe(id);
  });

  it('applies defaults, which track options override (null included)', () => {
    const defaults = { userId: 'u-default', platform: 'web' as const, appVersion: '1.0' };
    expect(buildEvent('x', {}, {}, defaults)).toMatchObject({
      user_id: 'u-default',
      platform: 'web',
      app_version: '1.0',
    });
    const overridden = buildEvent('x', {}, { userId: null, platform: null, appVersion: '2.0' }, defaults);
    expect(overridden).toMatchObject({ user_id: null, app_version: '2.0' });
    expect('platform' in overridden).toBe(false);
  });

  it.each([
    ['an empty event type', () => buildEvent('', {}, {}, noDefaults)],
    [
      'properties that are an array',
      () => buildEvent('x', [] as unknown as Record<string, unknown>, {}, noDefaults),
    ],
    ['a bad timestamp', () => buildEvent('x', {}, { timestamp: 'yesterday-ish' }, noDefaults)],
    [
      'a platform outside ios/android/web',
      () => buildEvent('x', {}, { platform: 'tv' as 'web' }, noDefaults),
    ],
    ['a schema version of 0', () => buildEvent('x', {}, { schemaVersion: 0 }, noDefaults)],
    ['an event id that is no UUID', () => buildEvent('x', {}, { eventId: 'abc' }, noDefaults)],
    ['an empty user id', () => buildEvent('x', {}, { userId: '' }, noDefaults)],
  ])('refuses %s with INVALID_EVENT', (_what, build) => {
    expect(build).toThrow(expect.objectContaining({ code: 'INVALID_EVENT' }));
  });

  it('makes v4 UUIDs without crypto.randomUUID (plain-http pages)', () => {
    const original = globalThis.crypto.randomUUID;
    Object.defineProperty(globalThis.crypto, 'randomUUID', { value: undefined, configurable: true });
    try {
      const ids = Array.from({ length: 50 }, () => newEventId());
      for (const id of ids)
        expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(new Set(ids).size).toBe(50);
    } finally {
      Object.defineProperty(globalThis.crypto, 'randomUUID', { value: original, configurable: true });
    }
  });

  it('makes v4 UUIDs without any crypto (React Native without a polyfill)', () => {
    const original = Object.getOwnPropertyDescriptor(globalThis, 'crypto');
    Object.defineProperty(globalThis, 'crypto', { value: undefined, configurable: true });
    try {
      const ids = Array.from({ length: 50 }, () => newEventId());
      for (const id of ids)
        expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(new Set(ids).size).toBe(50);
    } finally {
      if (original) Object.defineProperty(globalThis, 'crypto', original);
    }
  });
});
