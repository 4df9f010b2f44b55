// Owns reading a JSON Schema document as the diff sees it, as Confluent's JSON Schema provider
// does through everit's loader: a node of one kind (string, number with its integer flag, object,
// array, enum, not, a combination of subschemas, the empty schema that accepts everything, or
// false), type arrays as unions, keywords beside a combinator as an allOf of the parts, and local
// $refs followed. Annotations (title, default …) constrain nothing.

const ANNOTATIONS = new Set([
  '$schema',
  '$id',
  '$anchor',
  '$comment',
  '$defs',
  'definitions',
  'title',
  'description',
  'default',
  'examples',
  'deprecated',
  'readOnly',
  'writeOnly',
]);
const OBJECT_KEYWORDS = [
  'properties',
  'required',
  'additionalProperties',
  'patternProperties',
  'minProperties',
  'maxProperties',
];
const ARRAY_KEYWORDS = ['items', 'minItems', 'maxItems', 'uniqueItems'];
const STRING_KEYWORDS = ['minLength', 'maxLength', 'pattern'];
const NUMBER_KEYWORDS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'];
export const COMBINATORS = ['allOf', 'anyOf', 'oneOf'] as const;
export type Criterion = (typeof COMBINATORS)[number];

export type Json = Record<string, unknown>;
type Kind =
  | 'empty'
  | 'false'
  | 'string'
  | 'number'
  | 'boolean'
  | 'null'
  | 'object'
  | 'array'
  | 'enum'
  | 'not';
export type SchemaNode =
  | { readonly kind: Kind; readonly s: Json; readonly integer?: boolean }
  | { readonly kind: 'combined'; readonly s: Json; readonly criterion: Criterion; readonly subs: unknown[] };

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function resolve(schema: unknown, root: unknown): unknown {
  let current = schema;
  for (let hops = 0; hops < 32 && isObject(current) && typeof current.$ref === 'string'; hops++) {
    const ref = current.$ref;
    if (!ref.startsWith('#')) return current;
    let target: unknown = root;
    for (const raw of ref.slice(1).split('/').filter(Boolean)) {
      const key = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
      target = isObject(target) || Array.isArray(target) ? (target as Json)[key] : undefined;
    }
    if (target === undefined) return current;
    current = target;
  }
  return current;
}

const withoutKeys = (s: Json, keys: readonly string[]): Json =>
  Object.fromEntries(Object.entries(s).filter(([k]) => !keys.includes(k)));
export const constrains = (s: Json) => Object.keys(s).some((k) => !ANNOTATIONS.has(k));

export function classify(schema: unknown): SchemaNode {
  if (schema === false) return { kind: 'false', s: {} };
  if (!isObject(schema)) return { kind: 'empty', s: {} };
  const s = schema;
  if (Array.isArray(s.type)) {
    // A type array is a union of single-typed schemas sharing the other keywords (as everit loads it).
    if (s.type.length === 1) return classify({ ...s, type: s.type[0] });
    return { kind: 'combined', s, criterion: 'anyOf', subs: s.type.map((t) => ({ ...s, type: t })) };
  }
  const combinators = COMBINATORS.filter((k) => Array.isArray(s[k]));
  const groups = [...combinators, ...(s.not !== undefined ? ['not'] : [])];
  if (groups.length > 0) {
    const own = withoutKeys(s, [...COMBINATORS, 'not']);
    if (groups.length === 1 && !constrains(own)) {
      const only = groups[0] as Criterion | 'not';
      return only === 'not'
        ? { kind: 'not', s }
        : { kind: 'combined', s, criterion: only, subs: s[only] as unknown[] };
    }
    // Keywords beside a combinator hold together: an allOf of each part.
    const parts: unknown[] = [...(constrains(own) ? [own] : []), ...groups.map((g) => ({ [g]: s[g] }))];
    return { kind: 'combined', s, criterion: 'allOf', subs: parts };
  }
  if (typeof s.type === 'string') {
    if (s.type === 'integer') return { kind: 'number', s, integer: true };
    return { kind: s.type as Kind, s, integer: false };
  }
  const has = (keys: readonly string[]) => keys.some((k) => k in s);
  if (has(OBJECT_KEYWORDS)) return { kind: 'object', s };
  if (has(ARRAY_KEYWORDS)) return { kind: 'array', s };
  if (has(STRING_KEYWORDS)) return { kind: 'string', s };
  if (has(NUMBER_KEYWORDS)) return { kind: 'number', s, integer: false };
  if ('enum' in s || 'const' in s) return { kind: 'enum', s };
  return { kind: constrains(s) ? 'object' : 'empty', s };
}
