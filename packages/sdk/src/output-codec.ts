// Owns how a task's output is stored in XCom and read back, so that what a downstream task's
// input type says is what arrives: a Date stays a Date, a Map a Map, a bigint a bigint.
//
// Stored form. Plain JSON (numbers, strings, booleans, null, arrays, plain objects) is stored as
// itself, so existing rows, SQL over `xcom.value` and the UI keep reading what they always read.
// Anything JSON cannot say is stored as superjson's `{ json, meta }` inside an envelope marked
// `"__weir": 1`: `json` is still readable JSON (a Date is its ISO string, a Map its entries) and
// `meta` says what to rebuild. The marker, not the mere shape `{ json, meta }`, tells the two apart,
// because a task may well return `{ json: …, meta: … }` itself; a plain output whose top level has
// a `__weir` key is enveloped too, so no output is ever mistaken for an envelope.
//
// Refused, before superjson sees them, with the path named (`output.client: a Socket cannot be
// stored`): functions, symbols, cycles, and objects whose prototype is neither Object.prototype,
// null nor one of the built-ins below (class instances, Promises, Errors, Buffers, WeakMaps …),
// which JSON would flatten to `{}` or superjson could not rebuild. Strings PostgreSQL's jsonb
// cannot hold (NUL, lone surrogates) are refused too, rather than failing the try's commit.
//
// Shared references are stored as separate copies (superjson's identity records are dropped): an
// output is a value, and keeping the stored JSON free of bookkeeping matters more than identity.
import { SuperJSON, type SuperJSONResult } from 'superjson';

/** Marks a stored output as an envelope; the number is the format version. */
export const OUTPUT_ENVELOPE_KEY = '__weir';
const FORMAT = 1;

export type EncodedOutput = { ok: true; stored: string } | { ok: false; error: string };

// Its own instance: registrations elsewhere in the process never change how outputs are stored.
const codec = new SuperJSON({ dedupe: false });

const TYPED_ARRAYS: readonly (abstract new (...args: never[]) => unknown)[] = [
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
];
const TYPED_ARRAY_PROTOTYPES = new Set<unknown>(TYPED_ARRAYS.map((c) => c.prototype));

const HINTS: Readonly<Record<string, string>> = {
  Promise: 'await it',
  Buffer: 'return new Uint8Array(buffer)',
  Error: 'throw it, or return its message',
};

/**
 * A task's output as the JSON text to write to `xcom.value` (jsonb), or why it cannot be stored.
 * The caller checks the size of `stored` against WEIR_XCOM_MAX_BYTES.
 */
export function encodeOutput(value: unknown): EncodedOutput {
  const refused = unstorable(value, 'output', []);
  if (refused !== null) return { ok: false, error: refused };
  const { json, meta } = codec.serialize(value as never);
  const kept = meta && withoutIdentity(meta);
  if (kept === undefined && !hasMarker(json)) return { ok: true, stored: JSON.stringify(json) };
  const envelope: Record<string, unknown> = { [OUTPUT_ENVELOPE_KEY]: FORMAT, json };
  if (kept !== undefined) envelope.meta = kept;
  return { ok: true, stored: JSON.stringify(envelope) };
}

/**
 * A stored output as the task returned it. `stored` is the jsonb value as the driver parsed it
 * (plain JSON from rows written before envelopes existed decodes as itself). A string here is a
 * string output, never JSON text: for the text `encodeOutput` returned, use `decodeOutputText`.
 */
export function decodeOutput(stored: unknown): unknown {
  if (!isEnvelope(stored)) return stored;
  const payload = { json: stored.json, ...(stored.meta === undefined ? {} : { meta: stored.meta }) };
  return codec.deserialize(payload as SuperJSONResult);
}

/** `decodeOutput` of the JSON text `encodeOutput` stored. */
export function decodeOutputText(text: string): unknown {
  return decodeOutput(JSON.parse(text));
}

function isEnvelope(value: unknown): value is { json: unknown; meta?: unknown } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  if (record[OUTPUT_ENVELOPE_KEY] !== FORMAT || !('json' in record)) return false;
  return Object.keys(record).every((k) => k === OUTPUT_ENVELOPE_KEY || k === 'json' || k === 'meta');
}

function hasMarker(json: unknown): boolean {
  return (
    typeof json === 'object' &&
    json !== null &&
    !Array.isArray(json) &&
    Object.hasOwn(json as object, OUTPUT_ENVELOPE_KEY)
  );
}

/** superjson's meta without its identity records, or undefined when nothing else is left. */
function withoutIdentity(meta: NonNullable<SuperJSONResult['meta']>): SuperJSONResult['meta'] {
  const { referentialEqualities: _identity, ...rest } = meta;
  const { v: _version, ...described } = rest;
  return Object.keys(described).length === 0 ? undefined : rest;
}

// Lone surrogates and NUL: valid in a JS string, rejected by PostgreSQL's jsonb.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const jsonbUnsafe = (text: string): boolean => text.includes('\u0000') || LONE_SURROGATE.test(text);

/** Why `value` (at `path`) cannot be stored, or null when it and everything in it can be. */
function unstorable(value: unknown, path: string, ancestors: object[]): string | null {
  switch (typeof value) {
    case 'string':
      return jsonbUnsafe(value)
        ? `${path}: a string with a NUL character or a lone surrogate cannot be stored`
        : null;
    case 'number':
    case 'bigint':
    case 'boolean':
    case 'undefined':
      return null;
    case 'function':
      return `${path}: a function cannot be stored`;
    case 'symbol':
      return `${path}: a symbol cannot be stored`;
  }
  if (value === null) return null;
  const object = value as object;
  if (ancestors.includes(object)) return `${path}: a circular reference cannot be stored`;
  const inner = [...ancestors, object];
  const prototype = Object.getPrototypeOf(object);
  if (prototype === Array.prototype) {
    const list = object as unknown[];
    for (let i = 0; i < list.length; i++) {
      const refused = unstorable(list[i], `${path}[${i}]`, inner);
      if (refused !== null) return refused;
    }
    return null;
  }
  if (prototype === Object.prototype || prototype === null) {
    if (Object.getOwnPropertySymbols(object).length > 0) return `${path}: a symbol key cannot be stored`;
    for (const [key, child] of Object.entries(object)) {
      if (jsonbUnsafe(key))
        return `${member(path, key)}: a key with a NUL character or a lone surrogate cannot be stored`;
      const refused = unstorable(child, member(path, key), inner);
      if (refused !== null) return refused;
    }
    return null;
  }
  if (prototype === Date.prototype)
    return Number.isNaN((object as Date).getTime()) ? `${path}: an invalid Date cannot be stored` : null;
  if (prototype === RegExp.prototype || TYPED_ARRAY_PROTOTYPES.has(prototype)) return null;
  if (prototype === Map.prototype) {
    let i = 0;
    for (const [key, child] of object as Map<unknown, unknown>) {
      const refused =
        unstorable(key, `${path}.keys()[${i}]`, inner) ?? unstorable(child, `${path}.values()[${i}]`, inner);
      if (refused !== null) return refused;
      i++;
    }
    return null;
  }
  if (prototype === Set.prototype) {
    let i = 0;
    for (const child of object as Set<unknown>) {
      const refused = unstorable(child, `${path}.values()[${i}]`, inner);
      if (refused !== null) return refused;
      i++;
    }
    return null;
  }
  const name = constructorName(object);
  const hint = HINTS[name] ?? (object instanceof Error ? HINTS.Error : undefined);
  return `${path}: ${article(name)} ${name} cannot be stored${hint ? `; ${hint}` : ''}`;
}

function member(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function constructorName(object: object): string {
  const ctor: unknown = Object.getPrototypeOf(object)?.constructor;
  const name = typeof ctor === 'function' ? ctor.name : '';
  return name === '' ? 'object with a custom prototype' : name;
}

function article(noun: string): string {
  return /^[AEIOUaeiou]/.test(noun) ? 'an' : 'a';
}
