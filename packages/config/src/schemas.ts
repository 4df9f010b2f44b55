// Owns the zod schemas that Weir's configuration sources share (environment variables,
// alerts.yaml): URLs of given protocols and durations like '30s' or '4h'.
import { z } from 'zod';

/** A URL of one of `protocols`; `message` says what is wanted, never the value (it may hold a password). */
export function urlString(protocols: readonly string[], example?: string) {
  const message = `must be a ${protocols.map((p) => `${p}//`).join(' or ')} URL${example ? `, for example ${example}` : ''}`;
  return z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { message },
  );
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * A duration in milliseconds from '30s', '5m', '1h30m', '250ms', '2d'; with `bare`, a plain
 * number counts in that unit.
 */
export function durationString(hint: string, bare?: 'ms' | 's') {
  const pattern = bare ? /^(\d+(ms|s|m|h|d)?)+$/ : /^(\d+(ms|s|m|h|d))+$/;
  return z
    .string({ message: hint })
    .regex(pattern, { message: hint })
    .transform((text) => {
      let total = 0;
      for (const [, n, unit] of text.matchAll(/(\d+)(ms|s|m|h|d)?/g))
        total += Number(n) * (UNIT_MS[unit ?? bare ?? 'ms'] ?? 1);
      return total;
    });
}
