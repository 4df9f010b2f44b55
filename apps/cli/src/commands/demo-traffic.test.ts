// The demo's traffic as a pure function: the same seed gives the same events; the sessions have
// gaps on both sides of 30 minutes and cross hours; retries re-send earlier event_ids; every
// malformed body is one the collector's envelope refuses; events stay inside the window.
import { clientEventSchema, userProfileSchema } from '@weir/pipeline';
import { describe, expect, it } from 'vitest';
import { generateDemoTraffic } from './demo-traffic.ts';

const now = new Date('2026-12-04T20:17:00.000Z');
const options = { users: 20, hours: 3, rate: 20, seed: 7, now };

describe('generateDemoTraffic', () => {
  it('is deterministic given a seed, and another seed gives other events', () => {
    const a = generateDemoTraffic(options);
    expect(generateDemoTraffic(options)).toEqual(a);
    const other = generateDemoTraffic({ ...options, seed: 8 });
    expect(other.sends[0]?.event.eventId).not.toBe(a.sends[0]?.event.eventId);
  });

  it('spreads about rate × hours events per user over the window, all in the past', () => {
    const traffic = generateDemoTraffic(options);
    const perUser = traffic.events / options.users;
    expect(perUser).toBeGreaterThan(options.rate * options.hours * 0.6);
    expect(perUser).toBeLessThan(options.rate * options.hours * 1.5);
    const from = now.getTime() - 3 * 3_600_000;
    for (const { event } of traffic.sends) {
      expect(event.timestamp.getTime()).toBeGreaterThanOrEqual(from);
      expect(event.timestamp.getTime()).toBeLessThanOrEqual(now.getTime());
      expect(['ios', 'android', 'web']).toContain(event.platform);
    }
    expect(new Set(traffic.sends.map((s) => s.event.eventType))).toEqual(
      new Set(['page_view', 'click', 'add_to_cart', 'checkout']),
    );
  });

  it('has gaps under and over 30 minutes between a user’s events, and sessions crossing an hour', () => {
    const traffic = generateDemoTraffic(options);
    const byUser = new Map<string, number[]>();
    const bySession = new Map<string, number[]>();
    for (const { event, retry } of traffic.sends) {
      if (retry) continue;
      byUser.set(event.userId, [...(byUser.get(event.userId) ?? []), event.timestamp.getTime()]);
      bySession.set(event.sessionId, [...(bySession.get(event.sessionId) ?? []), event.timestamp.getTime()]);
    }
    const gaps = [...byUser.values()].flatMap((ts) => {
      const sorted = [...ts].sort((a, b) => a - b);
      return sorted.slice(1).map((t, i) => t - (sorted[i] as number));
    });
    const minutes = (n: number) => n * 60_000;
    expect(gaps.some((g) => g > minutes(5) && g < minutes(30))).toBe(true);
    expect(gaps.some((g) => g > minutes(30))).toBe(true);
    const crossing = [...bySession.values()].filter(
      (ts) => Math.floor(Math.min(...ts) / 3_600_000) !== Math.floor(Math.max(...ts) / 3_600_000),
    );
    expect(crossing.length).toBeGreaterThanOrEqual(options.users / 2);
  });

  it('re-sends some events with their event_id after the first send, and malformed bodies fail the envelope', () => {
    const traffic = generateDemoTraffic(options);
    expect(traffic.retries).toBeGreaterThan(0);
    expect(traffic.sends.length).toBe(traffic.events + traffic.retries);
    const firstSend = new Map<string, number>();
    traffic.sends.forEach(({ event, retry }, i) => {
      if (!retry) firstSend.set(event.eventId, i);
      else expect(firstSend.get(event.eventId)).toBeLessThan(i);
    });
    expect(firstSend.size).toBe(traffic.events);
    expect(traffic.malformed.length).toBeGreaterThanOrEqual(5);
    for (const { body } of traffic.malformed) expect(clientEventSchema.safeParse(body).success).toBe(false);
  });

  it('re-sends at least one event even in a tiny run', () => {
    const tiny = generateDemoTraffic({ users: 1, hours: 1, rate: 1, seed: 3, now });
    expect(tiny.retries).toBe(1);
  });

  it('gives each user one valid profile, the same from run to run', () => {
    const traffic = generateDemoTraffic(options);
    expect(traffic.profiles.map((p) => p.user_id)).toEqual(
      [...new Set(traffic.sends.map((s) => s.event.userId))].sort(),
    );
    for (const profile of traffic.profiles) expect(userProfileSchema.parse(profile)).toEqual(profile);
    expect(new Set(traffic.profiles.map((p) => p.plan))).toEqual(new Set(['free', 'pro', 'team']));
    expect(generateDemoTraffic({ ...options, seed: 99 }).profiles).toEqual(traffic.profiles);
  });
});
