'use server';
// Owns signing in and out. Attempts are limited per username and per address (shared through
// Redis by every web server); a success starts a session (HttpOnly, SameSite=Lax cookie, Secure
// behind https). Server actions are checked by Next.js against cross-site posts (Origin = Host).
import { audit, SESSION_COOKIE } from '@weir/auth';
import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { clientAddress } from '../../lib/auth.ts';
import { services } from '../../lib/services.ts';

export interface LoginState {
  readonly error?: string;
  readonly username?: string;
}

/** Only paths of this site: never an open redirect. */
function safeNext(next: unknown): string {
  return typeof next === 'string' && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export async function login(_previous: LoginState, form: FormData): Promise<LoginState> {
  const username = String(form.get('username') ?? '').trim();
  const password = String(form.get('password') ?? '');
  if (!username || !password) return { error: 'enter your username and password', username };
  const h = await headers();
  const address = clientAddress(h);
  const { users, sessions, limiter, sql } = services();
  const limit = await limiter.attempt(username, address);
  if (!limit.allowed)
    return { error: `too many sign-in attempts; try again in ${limit.retryAfterS} s`, username };
  const principal = await users.verifyLogin(username, password);
  if (!principal) {
    await audit(sql, { actor: username, action: 'login.failed', source: address });
    return { error: 'wrong username or password', username };
  }
  await limiter.reset(username);
  const session = await sessions.create(principal.userId, `${address} ${h.get('user-agent') ?? ''}`.trim());
  const secure =
    (h.get('x-forwarded-proto') ?? new URL(services().config.alerts.baseUrl).protocol.replace(':', '')) ===
    'https';
  (await cookies()).set(SESSION_COOKIE, session.cookie, {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: '/',
    expires: session.expiresAt,
  });
  await audit(sql, { actor: username, action: 'login', source: address });
  redirect(safeNext(form.get('next')));
}

export async function logout(): Promise<void> {
  const jar = await cookies();
  const { sessions } = services();
  await sessions.destroy(jar.get(SESSION_COOKIE)?.value);
  jar.delete(SESSION_COOKIE);
  redirect('/login');
}
