// Owns what every channel needs to answer the same way: failures as DeliveryResults whose text has
// every secret masked, Retry-After read into milliseconds, and short names for network errors.
import { SecretMasker } from '@weir/secrets';
import type { DeliveryResult } from '../types.ts';

/** A failed delivery, its text passed through the channel's masker. */
export function failed(
  masker: SecretMasker,
  failure: { permanent: boolean; error: string; response?: string; retryAfterMs?: number },
): DeliveryResult {
  return {
    ok: false,
    permanent: failure.permanent,
    error: oneLine(masker.mask(failure.error)),
    ...(failure.response !== undefined ? { response: oneLine(masker.mask(failure.response)) } : {}),
    ...(failure.retryAfterMs !== undefined ? { retryAfterMs: failure.retryAfterMs } : {}),
  };
}

/** A masker for the secrets of one channel (short values are left alone: see MIN_MASKED_LENGTH). */
export function maskerOf(...secrets: (string | undefined)[]): SecretMasker {
  const masker = new SecretMasker();
  for (const secret of secrets) if (secret) masker.add(secret);
  return masker;
}

/** The password of a URL, as written and decoded, for a masker. */
export function urlPassword(url: string): string[] {
  try {
    const { password } = new URL(url);
    if (!password) return [];
    return [password, safeDecode(password)];
  } catch {
    return [];
  }
}

/** Retry-After in seconds or as an HTTP date, in milliseconds from `now`; undefined when absent or unreadable. */
export function retryAfterMs(
  header: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (header == null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds * 1000));
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** "ECONNREFUSED", "no answer within 10 s" …: what went wrong with a request that got no answer. */
export function networkReason(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))
    return `no answer within ${Math.round(timeoutMs / 1000)} s`;
  const cause = (error as { cause?: unknown } | null)?.cause;
  const code = (cause as { code?: unknown } | undefined)?.code ?? (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  if (cause instanceof Error) return cause.message;
  return error instanceof Error ? error.message : String(error);
}

/** The host (and port) of a URL, for messages; the URL itself when it does not parse. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
