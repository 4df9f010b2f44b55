// Owns the first, optimistic check of every request: without a session cookie or a bearer token,
// pages go to /login and the API answers 401. The real check (signature, expiry, role) is in each
// page and route (lib/auth.ts); this only saves them work and tells pages their own path.
import { type NextRequest, NextResponse } from 'next/server';

/** As long as a session lasts unused (Sessions' default TTL). */
const SESSION_COOKIE_MAX_AGE_S = 12 * 3600;

const PUBLIC = [/^\/login(\/|$)/, /^\/api\/(v1\/)?health$/, /^\/_next\//, /^\/favicon/];

export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  if (PUBLIC.some((p) => p.test(pathname))) return NextResponse.next();
  // The event collector authenticates with a source's write key (a header, or ?writeKey= for
  // beacons) and answers CORS preflights, which carry no credentials at all.
  if (pathname === '/api/v1/events' && (request.method === 'POST' || request.method === 'OPTIONS'))
    return NextResponse.next();
  const signedIn =
    request.cookies.has('weir_session') || /^Bearer\s/i.test(request.headers.get('authorization') ?? '');
  if (!signedIn) {
    if (pathname.startsWith('/api/'))
      return NextResponse.json(
        { error: { code: 'unauthenticated', message: 'sign in, or send Authorization: Bearer <token>' } },
        { status: 401 },
      );
    const login = new URL('/login', request.url);
    login.searchParams.set('next', `${pathname}${search}`);
    return NextResponse.redirect(login);
  }
  const forwarded = new Headers(request.headers);
  forwarded.set('x-weir-path', `${pathname}${search}`);
  const response = NextResponse.next({ request: { headers: forwarded } });
  // The session slides in the database (12 h after the last use); the cookie slides with it.
  const session = request.cookies.get('weir_session');
  if (session)
    response.cookies.set('weir_session', session.value, {
      httpOnly: true,
      sameSite: 'lax',
      secure: request.headers.get('x-forwarded-proto') === 'https' || request.nextUrl.protocol === 'https:',
      path: '/',
      maxAge: SESSION_COOKIE_MAX_AGE_S,
    });
  return response;
}

export const config = { matcher: ['/((?!_next/static|_next/image).*)'] };
