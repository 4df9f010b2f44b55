// @weir/client: the event SDK for Node ≥ 20 and browsers. No runtime dependencies; it only uses
// fetch, AbortController, setTimeout, crypto and, in pages, navigator.sendBeacon.

export { type ClientStats, createClient, type WeirClient } from './client.ts';
export type { TrackOptions } from './build-event.ts';
export { WeirClientError, type WeirClientErrorCode } from './errors.ts';
export { type ClientEvent, type CollectorResponse, PLATFORMS, type Platform } from './event.ts';
export type {
  BeaconSender,
  ClientOptions,
  EventRejection,
  PageLifecycle,
  RetryOptions,
} from './options.ts';
