// The compatibility checker against Confluent Schema Registry's own JSON Schema cases. Each row of
// CONFLUENT_CASES is a case of confluentinc/schema-registry
// json-schema-provider/src/test/resources/diff-schema-examples.json (its "description" kept, the
// schemas and expected changes as there: `original_schema` is the writer, `update_schema` the
// reader, and `compatible` is whether a BACKWARD check passes), as run by its SchemaDiffTest. The
// modes' rows follow the Confluent docs' definitions ("Schema Evolution and Compatibility":
// BACKWARD = consumers using the new schema read data written with the last one, FORWARD = the
// reverse, FULL = both, _TRANSITIVE = against all earlier versions). One case carries `weir`: where
// Weir answers otherwise on purpose, with why.
import { describe, expect, it } from 'vitest';
import { type CompatibilityMode, checkCompatibility } from './compatibility.ts';
import { diffSchemas } from './schema-diff.ts';

interface Case {
  readonly description: string;
  readonly original: unknown;
  readonly update: unknown;
  readonly changes: readonly string[];
  readonly compatible: boolean;
  /** Where Weir deliberately answers otherwise, what it answers and why. */
  readonly weir?: { readonly changes: readonly string[]; readonly compatible: boolean; readonly why: string };
}

const str = { type: 'string' };
const num = { type: 'number' };

const CONFLUENT_CASES: readonly Case[] = [
  {
    description: 'Anything can change to empty schema',
    original: { properties: {} },
    update: {},
    changes: [],
    compatible: true,
  },
  {
    description: 'Detect changes to title',
    original: { title: 'something' },
    update: { title: 'something_else' },
    changes: ['TITLE_CHANGED #/'],
    compatible: true,
  },
  {
    description: 'Detect changes to description',
    original: { description: 'a' },
    update: { description: 'b' },
    changes: ['DESCRIPTION_CHANGED #/'],
    compatible: true,
  },
  {
    description: 'Detect changes to simple schema type',
    original: { type: 'object' },
    update: { type: 'array' },
    changes: ['TYPE_CHANGED #/'],
    compatible: false,
  },
  {
    description: 'Detect increased minLength string schema',
    original: { type: 'string', minLength: 10 },
    update: { type: 'string', minLength: 11 },
    changes: ['MIN_LENGTH_INCREASED #/minLength'],
    compatible: false,
  },
  {
    description: 'Detect decreased minLength string schema',
    original: { type: 'string', minLength: 11 },
    update: { type: 'string', minLength: 10 },
    changes: ['MIN_LENGTH_DECREASED #/minLength'],
    compatible: true,
  },
  {
    description: 'Detect increased maxLength string schema',
    original: { type: 'string', maxLength: 10 },
    update: { type: 'string', maxLength: 12 },
    changes: ['MAX_LENGTH_INCREASED #/maxLength'],
    compatible: true,
  },
  {
    description: 'Detect decreased maxLength string schema',
    original: { type: 'string', maxLength: 12 },
    update: { type: 'string', maxLength: 10 },
    changes: ['MAX_LENGTH_DECREASED #/maxLength'],
    compatible: false,
  },
  {
    description: 'Detect removed pattern from string schema',
    original: { type: 'string', pattern: 'uuid' },
    update: { type: 'string' },
    changes: ['PATTERN_REMOVED #/pattern'],
    compatible: true,
  },
  {
    description: 'Detect changes to pattern string schema',
    original: { type: 'string', pattern: 'date-time' },
    update: { type: 'string', pattern: 'uuid' },
    changes: ['PATTERN_CHANGED #/pattern'],
    compatible: false,
  },
  {
    description: 'Detect removed maximum number schema',
    original: { type: 'number', maximum: 10 },
    update: { type: 'number' },
    changes: ['MAXIMUM_REMOVED #/maximum'],
    compatible: true,
  },
  {
    description: 'Detect increased maximum number schema',
    original: { type: 'number', maximum: 10 },
    update: { type: 'number', maximum: 11 },
    changes: ['MAXIMUM_INCREASED #/maximum'],
    compatible: true,
  },
  {
    description: 'Detect decreased maximum number schema',
    original: { type: 'number', maximum: 11 },
    update: { type: 'number', maximum: 10 },
    changes: ['MAXIMUM_DECREASED #/maximum'],
    compatible: false,
  },
  {
    description: 'Detect increased minimum number schema',
    original: { type: 'number', minimum: 10 },
    update: { type: 'number', minimum: 11 },
    changes: ['MINIMUM_INCREASED #/minimum'],
    compatible: false,
  },
  {
    description: 'Detect decreased minimum number schema',
    original: { type: 'number', minimum: 11 },
    update: { type: 'number', minimum: 10 },
    changes: ['MINIMUM_DECREASED #/minimum'],
    compatible: true,
  },
  {
    description: 'Detect removed multipleOf number schema',
    original: { type: 'number', multipleOf: 10 },
    update: { type: 'number' },
    changes: ['MULTIPLE_OF_REMOVED #/multipleOf'],
    compatible: true,
  },
  {
    description: 'Detect reduced multipleOf number schema',
    original: { type: 'number', multipleOf: 10 },
    update: { type: 'number', multipleOf: 2 },
    changes: ['MULTIPLE_OF_REDUCED #/multipleOf'],
    compatible: true,
  },
  {
    description: 'Detect changes to multipleOf number schema',
    original: { type: 'number', multipleOf: 10 },
    update: { type: 'number', multipleOf: 11 },
    changes: ['MULTIPLE_OF_CHANGED #/multipleOf'],
    compatible: false,
  },
  {
    description: 'Detect narrowed change to number schema',
    original: { type: 'number' },
    update: { type: 'integer' },
    changes: ['TYPE_NARROWED #/'],
    compatible: false,
  },
  {
    description: 'Detect extended change to number schema',
    original: { type: 'integer' },
    update: { type: 'number' },
    changes: ['TYPE_EXTENDED #/'],
    compatible: true,
  },
  {
    description: 'Detect compatible change to not schema',
    original: { not: { type: 'number' } },
    update: { not: { type: 'integer' } },
    changes: ['NOT_TYPE_NARROWED #/not'],
    compatible: true,
  },
  {
    description: 'Detect incompatible change to not schema',
    original: { not: { type: 'integer' } },
    update: { not: { type: 'number' } },
    changes: ['NOT_TYPE_EXTENDED #/not'],
    compatible: false,
  },
  {
    description: 'Detect removed enum',
    original: { type: 'string', enum: ['red'] },
    update: { type: 'string' },
    changes: ['PRODUCT_TYPE_NARROWED #/'],
    compatible: true,
  },
  {
    description: 'Detect incompatible changes to enum schema',
    original: { allOf: [str, { enum: ['red'] }] },
    update: { allOf: [str, { enum: ['blue'] }] },
    changes: ['COMBINED_TYPE_SUBSCHEMAS_CHANGED #/'],
    compatible: false,
  },
  {
    description: 'Detect compatible changes to enum schema',
    original: { allOf: [str, { enum: ['red'] }] },
    update: { allOf: [{ enum: ['red', 'blue'] }, str] },
    changes: ['ENUM_ARRAY_EXTENDED #/allOf/1/enum'],
    compatible: true,
  },
  {
    description: 'Detect changes to type array',
    original: { type: ['object'] },
    update: { type: ['object', 'array'] },
    changes: ['SUM_TYPE_EXTENDED #/'],
    compatible: true,
  },
  {
    description: 'Detect changes to sub schemas',
    original: { oneOf: [str] },
    update: { oneOf: [num] },
    changes: ['COMBINED_TYPE_SUBSCHEMAS_CHANGED #/'],
    compatible: false,
  },
  {
    description: 'Detect changes to number of sub schemas',
    original: { oneOf: [str] },
    update: { oneOf: [num, str] },
    changes: ['SUM_TYPE_EXTENDED #/'],
    compatible: true,
  },
  {
    description: 'Detect changes to remove properties',
    original: { properties: { foo: str } },
    update: { properties: { bar: str } },
    changes: [
      'PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL #/properties/bar',
      'PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL #/properties/foo',
    ],
    compatible: false,
  },
  {
    description: 'Detect change type of properties',
    original: { properties: { foo: str } },
    update: { properties: { foo: num } },
    changes: ['TYPE_CHANGED #/properties/foo'],
    compatible: false,
  },
  {
    description: 'Detect optional property added to closed content model',
    original: { properties: { foo: str }, additionalProperties: false },
    update: { properties: { foo: str, bar: num }, additionalProperties: false },
    changes: ['OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL #/properties/bar'],
    compatible: true,
  },
  {
    description: 'Detect property added to partially open content model 1',
    original: {
      properties: { foo: str },
      additionalProperties: false,
      patternProperties: { '^S_': str, '^I_': { type: 'integer' } },
    },
    update: {
      properties: { foo: str, I_123: num },
      additionalProperties: false,
      patternProperties: { '^S_': str, '^I_': { type: 'integer' } },
    },
    changes: [
      'TYPE_EXTENDED #/properties/I_123',
      'PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/properties/I_123',
      'OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL #/properties/I_123',
    ],
    compatible: true,
  },
  {
    description: 'Detect property added to partially open content model 3',
    original: { properties: { foo: str }, additionalProperties: str },
    update: { properties: { foo: str, bar: num }, additionalProperties: str },
    changes: [
      'TYPE_CHANGED #/properties/bar',
      'PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/properties/bar',
      'OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL #/properties/bar',
    ],
    compatible: false,
  },
  {
    description: 'Detect property added to partially open content model 4',
    original: { properties: { foo: str }, additionalProperties: str },
    update: { properties: { foo: str, bar: str }, required: ['bar'], additionalProperties: str },
    changes: [
      'PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/properties/bar',
      'REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL #/properties/bar',
    ],
    compatible: false,
  },
  {
    description: 'Detect property removed from partially open content model 2',
    original: { properties: { foo: str, bar: str }, additionalProperties: false },
    update: { properties: { foo: str }, additionalProperties: str },
    changes: [
      'PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/properties/bar',
      'ADDITIONAL_PROPERTIES_ADDED #/additionalProperties',
    ],
    compatible: true,
  },
  {
    description: 'Detect property removed from partially open content model 3',
    original: { properties: { foo: str, bar: num }, additionalProperties: false },
    update: { properties: { foo: str }, additionalProperties: str },
    changes: [
      'TYPE_CHANGED #/properties/bar',
      'PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL #/properties/bar',
      'ADDITIONAL_PROPERTIES_ADDED #/additionalProperties',
    ],
    compatible: false,
  },
  {
    description: 'Detect property added to open content model',
    original: { properties: { foo: str } },
    update: { properties: { foo: str, bar: num } },
    changes: ['PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL #/properties/bar'],
    compatible: false,
  },
  {
    description: 'Detect changes to composed schema type',
    original: { oneOf: [{ properties: { foo: str } }] },
    update: { oneOf: [{ properties: { foo: num } }] },
    changes: ['COMBINED_TYPE_SUBSCHEMAS_CHANGED #/'],
    compatible: false,
  },
  {
    description: 'Detect required array to be removed',
    original: { properties: { foo: str }, required: ['foo'] },
    update: { properties: { foo: str } },
    changes: ['REQUIRED_ATTRIBUTE_REMOVED #/required/foo'],
    compatible: true,
  },
  {
    description: 'Detect required array to be added',
    original: { properties: { foo: str } },
    update: { properties: { foo: str }, required: ['foo'] },
    changes: ['REQUIRED_ATTRIBUTE_ADDED #/required/foo'],
    compatible: false,
  },
  {
    description: 'Detect required array to be changed',
    original: { properties: { foo: str }, required: ['foo'] },
    update: { properties: { foo: str }, required: ['bar'] },
    changes: ['REQUIRED_ATTRIBUTE_REMOVED #/required/foo'],
    compatible: true,
    weir: {
      changes: ['REQUIRED_ATTRIBUTE_REMOVED #/required/foo', 'REQUIRED_ATTRIBUTE_ADDED #/required/bar'],
      compatible: false,
      why: 'bar becomes required: events written before may lack it, so the new schema cannot read them',
    },
  },
  {
    description: 'Detect removed maxProperties',
    original: { properties: {}, maxProperties: 1 },
    update: { properties: {} },
    changes: ['MAX_PROPERTIES_REMOVED #/maxProperties'],
    compatible: true,
  },
  {
    description: 'Detect decreased maxProperties',
    original: { maxProperties: 2 },
    update: { maxProperties: 1 },
    changes: ['MAX_PROPERTIES_DECREASED #/maxProperties'],
    compatible: false,
  },
  {
    description: 'Detect increased minProperties',
    original: { minProperties: 1 },
    update: { minProperties: 2 },
    changes: ['MIN_PROPERTIES_INCREASED #/minProperties'],
    compatible: false,
  },
  {
    description: 'Detect changes to all items schema (added)',
    original: { type: 'array' },
    update: { type: 'array', items: str },
    changes: ['SCHEMA_ADDED #/items'],
    compatible: false,
  },
  {
    description: 'Detect changes to all items schema (removed)',
    original: { type: 'array', items: str },
    update: { type: 'array' },
    changes: ['SCHEMA_REMOVED #/items'],
    compatible: true,
  },
  {
    description: 'Detect decreased maxItems',
    original: { type: 'array', maxItems: 2 },
    update: { type: 'array', maxItems: 1 },
    changes: ['MAX_ITEMS_DECREASED #/maxItems'],
    compatible: false,
  },
  {
    description: 'Detect increased minItems',
    original: { type: 'array', minItems: 1 },
    update: { type: 'array', minItems: 2 },
    changes: ['MIN_ITEMS_INCREASED #/minItems'],
    compatible: false,
  },
  {
    description: 'Detect unique items removed',
    original: { type: 'array', uniqueItems: true },
    update: { type: 'array' },
    changes: ['UNIQUE_ITEMS_REMOVED #/uniqueItems'],
    compatible: true,
  },
  {
    description: 'Detect incompatible changes to reference schemas',
    original: { type: 'array', items: { $ref: '#/definitions/someRef' }, definitions: { someRef: str } },
    update: { type: 'array', items: { $ref: '#/definitions/someRef' }, definitions: { someRef: num } },
    changes: ['TYPE_CHANGED #/items'],
    compatible: false,
  },
  {
    description: 'Detect compatible change of moving to reference schema',
    original: str,
    update: { $ref: '#/definitions/someRef', definitions: { someRef: str } },
    changes: [],
    compatible: true,
  },
];

describe('the JSON Schema diff, on Confluent’s cases', () => {
  it.each(CONFLUENT_CASES)('$description', (row) => {
    const { original, update, changes, compatible } = row.weir ? { ...row, ...row.weir } : row;
    const found = diffSchemas(original, update).map((d) => `${d.type} ${d.path}`);
    expect(found.sort()).toEqual([...changes].sort());
    expect(checkCompatibility(update, [original], 'BACKWARD').compatible).toBe(compatible);
  });
});

// The event properties the registry holds: objects, as the rules name them.
const closed = (properties: Record<string, unknown>, required: string[] = []) => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
});
const open = (properties: Record<string, unknown>, required: string[] = []) => ({
  type: 'object',
  properties,
  required,
});

describe('checkCompatibility', () => {
  it('lets a closed content model gain an optional property and refuses it losing one', () => {
    const v1 = closed({ plan: str });
    const v2 = closed({ plan: str, coupon: str });
    expect(checkCompatibility(v2, [v1], 'BACKWARD')).toEqual({ compatible: true });
    expect(checkCompatibility(v1, [v2], 'BACKWARD')).toMatchObject({
      compatible: false,
      rule: 'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL',
      path: '#/properties/coupon',
      direction: 'backward',
    });
  });

  it('refuses a property added to an open content model, naming the rule and the path', () => {
    const refused = checkCompatibility(open({ plan: str, coupon: str }), [open({ plan: str })], 'BACKWARD');
    expect(refused).toMatchObject({
      compatible: false,
      rule: 'PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL',
      path: '#/properties/coupon',
      against: 0,
    });
    expect(refused.compatible === false && refused.message).toContain('open content model');
    // Removing one from an open model is fine: the new schema still reads it as an extra key.
    expect(
      checkCompatibility(open({ plan: str }), [open({ plan: str, coupon: str })], 'BACKWARD').compatible,
    ).toBe(true);
  });

  it('refuses a required property added without a default, and takes it with one', () => {
    const v1 = closed({ plan: str });
    expect(checkCompatibility(closed({ plan: str, seats: num }, ['seats']), [v1], 'BACKWARD')).toMatchObject({
      rule: 'REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL',
      path: '#/properties/seats',
    });
    expect(
      checkCompatibility(
        closed({ plan: str, seats: { type: 'number', default: 1 } }, ['seats']),
        [v1],
        'BACKWARD',
      ),
    ).toEqual({ compatible: true });
    expect(checkCompatibility(closed({ plan: str }, ['plan']), [v1], 'BACKWARD')).toMatchObject({
      rule: 'REQUIRED_ATTRIBUTE_ADDED',
      path: '#/required/plan',
    });
    // Required without a schema of its own: old events may still lack it.
    expect(
      checkCompatibility(open({ plan: str }, ['seats']), [open({ plan: str })], 'BACKWARD'),
    ).toMatchObject({
      rule: 'REQUIRED_ATTRIBUTE_ADDED',
      path: '#/required/seats',
    });
  });

  it('widens integer to number backward, and finds the narrowing forward', () => {
    const ints = closed({ amount: { type: 'integer' } });
    const nums = closed({ amount: { type: 'number' } });
    expect(checkCompatibility(nums, [ints], 'BACKWARD')).toEqual({ compatible: true });
    expect(checkCompatibility(nums, [ints], 'FORWARD')).toMatchObject({
      rule: 'TYPE_NARROWED',
      path: '#/properties/amount',
      direction: 'forward',
    });
    expect(checkCompatibility(closed({ amount: str }), [ints], 'BACKWARD')).toMatchObject({
      rule: 'TYPE_CHANGED',
    });
  });

  it('lets an enum grow backward but not shrink, and a nullable type widen', () => {
    const v1 = closed({ platform: { type: 'string', enum: ['ios', 'android'] } });
    const grown = closed({ platform: { type: 'string', enum: ['ios', 'android', 'web'] } });
    const shrunk = closed({ platform: { type: 'string', enum: ['ios'] } });
    expect(checkCompatibility(grown, [v1], 'BACKWARD')).toEqual({ compatible: true });
    expect(checkCompatibility(shrunk, [v1], 'BACKWARD')).toMatchObject({
      rule: 'ENUM_ARRAY_NARROWED',
      path: '#/properties/platform/enum',
    });
    expect(checkCompatibility(grown, [v1], 'FULL')).toMatchObject({
      rule: 'ENUM_ARRAY_NARROWED',
      direction: 'forward',
    });
    const nullable = closed({ platform: { type: ['string', 'null'] } });
    expect(checkCompatibility(nullable, [closed({ platform: str })], 'BACKWARD')).toEqual({
      compatible: true,
    });
    expect(checkCompatibility(closed({ platform: str }), [nullable], 'BACKWARD')).toMatchObject({
      rule: 'TYPE_CHANGED',
    });
  });

  it('checks nested objects with their own content models', () => {
    const v1 = closed({ cart: closed({ total: num }) });
    expect(
      checkCompatibility(closed({ cart: closed({ total: num, currency: str }) }), [v1], 'BACKWARD'),
    ).toEqual({
      compatible: true,
    });
    expect(
      checkCompatibility(closed({ cart: open({ total: num }) }), [closed({ cart: open({}) })], 'BACKWARD'),
    ).toMatchObject({
      rule: 'PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL',
      path: '#/properties/cart/properties/total',
    });
  });

  it('refuses a change to a keyword it does not analyse rather than accepting it unexamined', () => {
    const v1 = closed({ email: { type: 'string', format: 'email' } });
    expect(
      checkCompatibility(closed({ email: { type: 'string', format: 'uri' } }), [v1], 'BACKWARD'),
    ).toMatchObject({
      rule: 'UNCHECKED_KEYWORD_CHANGED',
      path: '#/properties/email/format',
    });
  });

  // v1 closed { a, b }, v2 open { b }; a v3 that adds `a` back as a number to the open model.
  const chain = [closed({ a: str, b: str }), open({ b: str })];
  const v3 = { type: 'object', properties: { b: str, a: num } };

  it.each<[CompatibilityMode, boolean]>([
    ['NONE', true],
    ['BACKWARD', false],
    ['FORWARD', true],
    ['FORWARD_TRANSITIVE', false],
    ['FULL', false],
  ])('mode %s on a chain of versions answers compatible=%s', (mode, expected) => {
    expect(checkCompatibility(v3, chain, mode).compatible).toBe(expected);
  });

  it('finds what only the transitive variants catch: a change the latest allows and an older version does not', () => {
    const widened = [
      closed({ n: { type: 'integer', maximum: 5 } }),
      closed({ n: { type: 'integer', maximum: 10 } }),
    ];
    const same = closed({ n: { type: 'integer', maximum: 10 } });
    expect(checkCompatibility(same, widened, 'FORWARD')).toEqual({ compatible: true });
    expect(checkCompatibility(same, widened, 'FORWARD_TRANSITIVE')).toMatchObject({
      compatible: false,
      rule: 'MAXIMUM_DECREASED',
      against: 0,
      direction: 'forward',
    });
    expect(checkCompatibility(same, widened, 'BACKWARD_TRANSITIVE')).toEqual({ compatible: true });
    expect(checkCompatibility(same, widened, 'FULL_TRANSITIVE')).toMatchObject({ against: 0 });
  });
});
