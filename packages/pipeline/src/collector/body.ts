// Owns turning a collector request's body into candidate events: reading it within the size
// limit (stopping as soon as it is passed, not after buffering it all), then splitting a JSON
// array or NDJSON into one raw text per event. An NDJSON line that is not JSON is that event's
// problem, not the whole request's: the other lines still count.
import { COLLECTOR_LIMITS } from './limits.ts';

/** One event as received: its text (for the dead-letter log) and its parsed value, if it parsed. */
export interface RawEvent {
  readonly text: string;
  /** Its size, exact when the body could hold an event over the limit; else 0 (within it). */
  readonly bytes: number;
  readonly value: unknown;
  /** Why it could not be parsed. */
  readonly parseError?: string;
}

export type BodyResult =
  | { ok: true; events: RawEvent[] }
  | { ok: false; status: 400 | 413; code: string; message: string };

const decoder = new TextDecoder('utf-8', { fatal: true });

export async function readEvents(request: Request): Promise<BodyResult> {
  const read = await readLimited(request, COLLECTOR_LIMITS.maxBodyBytes);
  if (!read.ok) return read;
  let text: string;
  try {
    text = decoder.decode(read.bytes);
  } catch {
    return { ok: false, status: 400, code: 'invalid_body', message: 'the body is not UTF-8 text' };
  }
  const events = split(text, request.headers.get('content-type') ?? '');
  if (!events.ok) return events;
  if (events.events.length > COLLECTOR_LIMITS.maxEvents)
    return {
      ok: false,
      status: 413,
      code: 'too_many_events',
      message: `a request holds at most ${COLLECTOR_LIMITS.maxEvents} events, this one ${events.events.length}: send smaller batches`,
    };
  return events;
}

async function readLimited(
  request: Request,
  limit: number,
): Promise<{ ok: true; bytes: Uint8Array } | { ok: false; status: 413; code: string; message: string }> {
  const tooLarge = {
    ok: false as const,
    status: 413 as const,
    code: 'body_too_large',
    message: `the body is over ${limit} bytes (1 MB): send smaller batches`,
  };
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (declared > limit) return tooLarge;
  if (!request.body) return { ok: true, bytes: new Uint8Array() };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return tooLarge;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { ok: true, bytes };
}

function split(text: string, contentType: string): BodyResult {
  const trimmed = text.trim();
  if (trimmed === '')
    return {
      ok: false,
      status: 400,
      code: 'invalid_body',
      message: 'the body is empty: send a JSON array or NDJSON of events',
    };
  // The body's shape decides, not the content type: a beacon can only send text/plain.
  if (trimmed.startsWith('[')) return jsonArray(trimmed);
  if (trimmed.startsWith('{') && /json/i.test(contentType) && !/ndjson/i.test(contentType)) {
    // One event as a (possibly pretty-printed) JSON object.
    const single = parseOne(trimmed);
    if (single.parseError === undefined) return { ok: true, events: [single] };
  }
  const events = trimmed
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .map(parseOne);
  if (events.every((e) => e.parseError !== undefined))
    return {
      ok: false,
      status: 400,
      code: 'invalid_body',
      message: `the body is neither a JSON array nor NDJSON: ${events[0]?.parseError ?? 'no events'}`,
    };
  return { ok: true, events };
}

function jsonArray(text: string): BodyResult {
  let values: unknown;
  try {
    values = JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      status: 400,
      code: 'invalid_body',
      message: `the body is not valid JSON: ${(error as Error).message}`,
    };
  }
  if (!Array.isArray(values))
    return {
      ok: false,
      status: 400,
      code: 'invalid_body',
      message: 'the body must be a JSON array of events',
    };
  // No element of a body within the event limit can pass it: their texts are then made only when
  // needed (a dead letter's payload), which saves serializing every event of a normal batch.
  const small = Buffer.byteLength(text) <= COLLECTOR_LIMITS.maxEventBytes;
  return {
    ok: true,
    events: values.map((value): RawEvent => {
      if (small) return lazyText(value);
      const raw = JSON.stringify(value) ?? 'null';
      return { text: raw, bytes: Buffer.byteLength(raw), value };
    }),
  };
}

function lazyText(value: unknown): RawEvent {
  let text: string | undefined;
  return {
    get text() {
      text ??= JSON.stringify(value) ?? 'null';
      return text;
    },
    // Within the limit, which is all that is asked of it.
    bytes: 0,
    value,
  };
}

function parseOne(line: string): RawEvent {
  const bytes = Buffer.byteLength(line);
  try {
    return { text: line, bytes, value: JSON.parse(line) };
  } catch (error) {
    return { text: line, bytes, value: undefined, parseError: `not valid JSON: ${(error as Error).message}` };
  }
}
