// Task outputs through the stored form and back: each kind a task may return arrives as itself,
// plain JSON stays plain JSON, and what cannot be stored is refused with its path named.
import { EventEmitter } from 'node:events';
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { decodeOutput, decodeOutputText, encodeOutput } from './output-codec.ts';

function stored(value: unknown): string {
  const encoded = encodeOutput(value);
  if (!encoded.ok) throw new Error(encoded.error);
  return encoded.stored;
}

/** Encodes, parses as PostgreSQL's driver would hand the jsonb back, decodes. */
function roundTrip(value: unknown): unknown {
  return decodeOutput(JSON.parse(stored(value)));
}

function refusal(value: unknown): string {
  const encoded = encodeOutput(value);
  if (encoded.ok) throw new Error(`stored: ${encoded.stored}`);
  return encoded.error;
}

describe('encodeOutput and decodeOutput', () => {
  it('stores plain JSON as itself, so rows and SQL over xcom.value read as before', () => {
    for (const value of [
      [1, 2, 3],
      { rows: 3, tables: ['a', 'b'] },
      'text',
      42,
      true,
      null,
      { json: 1, meta: 2 },
    ])
      expect(JSON.parse(stored(value))).toEqual(value);
    expect(stored([1, 2, 3])).toBe('[1,2,3]');
  });

  it('decodes rows written before envelopes existed as themselves', () => {
    expect(decodeOutput([1, 2])).toEqual([1, 2]);
    expect(decodeOutput({ json: [1], meta: { values: ['set'] } })).toEqual({
      json: [1],
      meta: { values: ['set'] },
    });
    expect(decodeOutput('[1,2]')).toBe('[1,2]'); // a string output is a string, not JSON text
    expect(decodeOutput(null)).toBeNull();
  });

  it('round-trips dates, maps, sets and bigints, nested', () => {
    const at = new Date('2024-03-01T12:34:56.789Z');
    const value = {
      at,
      big: new Map<string, unknown>([
        ['a', { when: at, ids: new Set([1n, 2n]) }],
        ['b', [new Map([[1, 'one']])]],
      ]),
      count: 12345678901234567890n,
    };
    const back = roundTrip(value) as typeof value;
    expect(back).toEqual(value);
    expect(back.at).toBeInstanceOf(Date);
    expect(back.big).toBeInstanceOf(Map);
    expect((back.big.get('a') as { ids: Set<bigint> }).ids).toEqual(new Set([1n, 2n]));
    expect(typeof back.count).toBe('bigint');
  });

  it('round-trips undefined inside objects and arrays, and at the top', () => {
    const back = roundTrip({ a: undefined, list: [1, undefined, 3] }) as Record<string, unknown>;
    expect(Object.hasOwn(back, 'a')).toBe(true);
    expect(back.a).toBeUndefined();
    expect(back.list).toEqual([1, undefined, 3]);
    expect((back.list as unknown[])[1]).toBeUndefined();
    expect(roundTrip(undefined)).toBeUndefined();
  });

  it('round-trips NaN, Infinity, -Infinity and -0', () => {
    expect(roundTrip([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0])).toEqual([
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      -0,
      0,
    ]);
    expect(Object.is(roundTrip(-0), -0)).toBe(true);
  });

  it('round-trips regular expressions with their flags', () => {
    const back = roundTrip({ pattern: /a\/b[0-9]+/giu }) as { pattern: RegExp };
    expect(back.pattern).toBeInstanceOf(RegExp);
    expect(back.pattern.source).toBe('a\\/b[0-9]+');
    expect(back.pattern.flags).toBe('giu');
  });

  it('round-trips every typed array', () => {
    const arrays = [
      new Int8Array([-1, 2]),
      new Uint8Array([0, 255]),
      new Uint8ClampedArray([7]),
      new Int16Array([-300]),
      new Uint16Array([65535]),
      new Int32Array([-70000]),
      new Uint32Array([4000000000]),
      new Float32Array([1.5, Number.NaN]),
      new Float64Array([Math.PI, Number.NEGATIVE_INFINITY, -0]),
      new BigInt64Array([-(2n ** 63n)]),
      new BigUint64Array([2n ** 64n - 1n]),
    ];
    const back = roundTrip(arrays) as unknown[];
    for (const [i, array] of arrays.entries()) {
      expect(back[i]).toBeInstanceOf(array.constructor);
      expect(back[i]).toEqual(array);
    }
  });

  it('keeps the stored form readable: json holds ISO dates and map entries', () => {
    const text = stored({ at: new Date('2024-01-02T03:04:05.000Z'), m: new Map([['k', 1]]) });
    const envelope = JSON.parse(text);
    expect(envelope.__weir).toBe(1);
    expect(envelope.json).toEqual({ at: '2024-01-02T03:04:05.000Z', m: [['k', 1]] });
    expect(decodeOutputText(text)).toEqual({
      at: new Date('2024-01-02T03:04:05.000Z'),
      m: new Map([['k', 1]]),
    });
  });

  it('envelopes a plain output that looks like an envelope, so it decodes as itself', () => {
    const lookalike = {
      __weir: 1,
      json: { at: '2024-01-01T00:00:00.000Z' },
      meta: { values: { at: ['Date'] } },
    };
    expect(JSON.parse(stored(lookalike))).not.toEqual(lookalike);
    expect(roundTrip(lookalike)).toEqual(lookalike);
    expect(roundTrip({ __weir: 'mine' })).toEqual({ __weir: 'mine' });
  });

  it('stores shared references as equal copies, with no identity bookkeeping', () => {
    const shared = { id: 1 };
    expect(stored({ a: shared, b: shared })).toBe('{"a":{"id":1},"b":{"id":1}}');
    const back = roundTrip([shared, shared]) as unknown[];
    expect(back).toEqual([{ id: 1 }, { id: 1 }]);
  });

  it('accepts objects without a prototype', () => {
    const bare = Object.assign(Object.create(null) as object, { a: 1 });
    expect(roundTrip(bare)).toEqual({ a: 1 });
  });
});

describe('encodeOutput refusals', () => {
  it('names the path and the constructor of a class instance', () => {
    const client = new Socket();
    expect(refusal({ client })).toBe('output.client: a Socket cannot be stored');
    class Report {
      rows = 1;
    }
    expect(refusal({ reports: [{ r: new Report() }] })).toBe(
      'output.reports[0].r: a Report cannot be stored',
    );
    expect(refusal(new EventEmitter())).toBe('output: an EventEmitter cannot be stored');
  });

  it('refuses functions and symbols anywhere', () => {
    expect(refusal({ a: { run: () => 1 } })).toBe('output.a.run: a function cannot be stored');
    expect(refusal([1, Symbol('s')])).toBe('output[1]: a symbol cannot be stored');
    expect(refusal({ [Symbol('k')]: 1 })).toBe('output: a symbol key cannot be stored');
    expect(refusal({ 'odd key': { toJSON: () => 'x' } })).toBe(
      'output["odd key"].toJSON: a function cannot be stored',
    );
  });

  it('refuses promises, weak collections, errors and buffers with a hint', () => {
    expect(refusal({ p: Promise.resolve(1) })).toBe('output.p: a Promise cannot be stored; await it');
    expect(refusal(new WeakMap())).toBe('output: a WeakMap cannot be stored');
    expect(refusal({ e: new TypeError('x') })).toBe(
      'output.e: a TypeError cannot be stored; throw it, or return its message',
    );
    expect(refusal(Buffer.from('ab'))).toBe(
      'output: a Buffer cannot be stored; return new Uint8Array(buffer)',
    );
    expect(refusal(new DataView(new ArrayBuffer(2)))).toBe('output: a DataView cannot be stored');
  });

  it('looks inside maps and sets', () => {
    expect(refusal({ m: new Map([['k', () => 1]]) })).toBe(
      'output.m.values()[0]: a function cannot be stored',
    );
    expect(refusal({ m: new Map([[Symbol('k'), 1]]) })).toBe('output.m.keys()[0]: a symbol cannot be stored');
    expect(refusal(new Set([1, new WeakSet()]))).toBe('output.values()[1]: a WeakSet cannot be stored');
  });

  it('refuses cycles, invalid dates and strings jsonb cannot hold', () => {
    const node: { next?: unknown } = {};
    node.next = { back: node };
    expect(refusal(node)).toBe('output.next.back: a circular reference cannot be stored');
    expect(refusal({ at: new Date(Number.NaN) })).toBe('output.at: an invalid Date cannot be stored');
    expect(refusal(['a\u0000b'])).toBe(
      'output[0]: a string with a NUL character or a lone surrogate cannot be stored',
    );
    expect(refusal({ s: '\uD800' })).toBe(
      'output.s: a string with a NUL character or a lone surrogate cannot be stored',
    );
    expect(refusal({ 'k\u0000': 1 })).toMatch(/^output\["k\\u0000"\]: a key with a NUL character/);
    expect(stored('😀')).toBe('"😀"'); // a surrogate pair is fine
  });
});
