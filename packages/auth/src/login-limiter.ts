// Owns slowing down password guessing: at most `max` login attempts per username and per client
// IP within a fixed window, counted in Redis so every web replica shares the counts. A success
// resets the username's count, not the IP's: one account's login must not wipe the count of an
// address that is trying many.
import { createHash } from 'node:crypto';
import type { RedisConnection } from '@weir/queue';

export interface LoginLimiterOptions {
  /** Attempts allowed per username within a window; 5 by default. */
  readonly max?: number;
  /**
   * Attempts allowed per client address within a window; 30 by default (an office behind one
   * address signs in many people; one address guessing many usernames is still stopped).
   */
  readonly maxPerAddress?: number;
  /** The window, from the first attempt; 60 s by default. */
  readonly windowMs?: number;
}

export interface LoginAttempt {
  readonly allowed: boolean;
  /** When refused: seconds until the window that refused it ends (at least 1). 0 when allowed. */
  readonly retryAfterS: number;
}

/**
 * Counts one attempt on each key (the window starts with a key's first attempt) and returns
 * each key's count and milliseconds left, in one round trip and atomically.
 */
const COUNT_ATTEMPT = `
local out = {}
for i, key in ipairs(KEYS) do
  local n = redis.call('INCR', key)
  if n == 1 then redis.call('PEXPIRE', key, ARGV[1]) end
  local ttl = redis.call('PTTL', key)
  if ttl < 0 then redis.call('PEXPIRE', key, ARGV[1]); ttl = tonumber(ARGV[1]) end
  out[#out + 1] = n
  out[#out + 1] = ttl
end
return out`;

export class LoginLimiter {
  private readonly max: number;
  private readonly maxPerAddress: number;
  private readonly windowMs: number;

  constructor(
    private readonly redis: RedisConnection,
    private readonly prefix: string,
    options: LoginLimiterOptions = {},
  ) {
    this.max = options.max ?? 5;
    this.maxPerAddress = options.maxPerAddress ?? 30;
    this.windowMs = options.windowMs ?? 60_000;
  }

  async attempt(username: string, ip: string): Promise<LoginAttempt> {
    const counts = (await this.redis.eval(
      COUNT_ATTEMPT,
      2,
      this.userKey(username),
      this.ipKey(ip),
      String(this.windowMs),
    )) as number[];
    let waitMs = 0;
    const limits = [this.max, this.maxPerAddress];
    for (let i = 0; i < counts.length; i += 2)
      if ((counts[i] ?? 0) > (limits[i / 2] ?? this.max))
        waitMs = Math.max(waitMs, counts[i + 1] ?? this.windowMs);
    return waitMs > 0
      ? { allowed: false, retryAfterS: Math.max(1, Math.ceil(waitMs / 1000)) }
      : { allowed: true, retryAfterS: 0 };
  }

  /** After a successful login: the username's failed attempts are forgotten. */
  async reset(username: string): Promise<void> {
    await this.redis.del(this.userKey(username));
  }

  // Hashed: the names come from unauthenticated requests, and keys should not be whatever they send.
  private userKey(username: string): string {
    return `${this.prefix}:login:user:${digest(username.toLowerCase())}`;
  }

  private ipKey(ip: string): string {
    return `${this.prefix}:login:ip:${digest(ip)}`;
  }
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 22);
}
