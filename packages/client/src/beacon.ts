// Page-unload delivery: what is still waiting leaves with `navigator.sendBeacon` (or a `keepalive`
// fetch where there is none), since a page being hidden or closed gets no answers. A beacon cannot
// set headers, so the write key rides in `?writeKey=` and the body is `text/plain` (which needs no
// CORS preflight); the collector accepts both.
import type { BeaconSender } from './options.ts';

/** Browsers cap the bodies of beacons and keepalive requests in flight at 64 KiB per page. */
export const MAX_BEACON_BYTES = 64_000;

export function defaultBeacon(fetchImpl: typeof fetch | undefined): BeaconSender | undefined {
  const nav = (globalThis as { navigator?: Partial<Navigator> }).navigator;
  if (typeof nav?.sendBeacon === 'function') {
    const send = nav.sendBeacon.bind(nav);
    return (url, body) => send(url, new Blob([body], { type: 'text/plain' }));
  }
  if (fetchImpl === undefined) return undefined;
  return (url, body) => {
    // Fire and forget: the page will not be around for the answer.
    fetchImpl(url, {
      method: 'POST',
      body,
      keepalive: true,
      headers: { 'content-type': 'text/plain' },
    }).catch(() => {});
    return true;
  };
}
