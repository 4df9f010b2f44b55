// Owns finding what changed between two JSON Schemas and whether each change is compatible, with
// Confluent Schema Registry's JSON Schema rule names and semantics (its
// io.confluent.kafka.schemaregistry.json.diff.SchemaDiff and ObjectSchemaDiff, Number/String/
// Enum/Combined/Array diffs). `diffSchemas(writer, reader)` answers: can a reader holding `reader`
// accept every document valid under `writer`? Confluent calls them `original` and `update`: a
// BACKWARD check passes (latest, new), a FORWARD check (new, latest).
//
// Covered: type (with integer → number widening, type arrays as unions), properties, required
// (with defaults), additionalProperties (open, closed and partially open content models, with
// patternProperties), min/maxProperties, enum and const, string length and pattern, numeric
// bounds and multipleOf, array items, min/maxItems and uniqueItems, allOf/anyOf/oneOf (matching
// subschemas like Confluent), not, and local $ref (#/$defs/…, #/definitions/…).
// Not analysed: the keywords in UNCHECKED_KEYWORDS (format, dependentRequired, if/then/else,
// prefixItems, contains, unevaluated*, …). A change to one of them is refused as
// UNCHECKED_KEYWORD_CHANGED rather than accepted unexamined (mode NONE registers it anyway).
// patternProperties themselves are not diffed, only used as the partial content model, as
// Confluent does; keywords beside a $ref are ignored. Stricter than Confluent: a key made required
// without a schema in `properties` is REQUIRED_ATTRIBUTE_ADDED (Confluent only compares listed ones).
import { canonicalJson } from './canonical-json.ts';
import {
  type Difference,
  type DifferenceType,
  isCompatibleChange,
  UNCHECKED_KEYWORDS,
} from './difference-types.ts';
import { type Criterion, classify, constrains, isObject, type Json, resolve } from './schema-model.ts';

interface Context {
  readonly writerRoot: unknown;
  readonly readerRoot: unknown;
  readonly differences: Difference[];
  /** Pairs of (writer, reader) schema objects under comparison: recursive schemas stop here. */
  readonly visiting: Map<object, Set<object>>;
}

/** Every difference between a writer's and a reader's schema, compatible or not. */
export function diffSchemas(writer: unknown, reader: unknown): Difference[] {
  const ctx: Context = { writerRoot: writer, readerRoot: reader, differences: [], visiting: new Map() };
  compare(ctx, writer, reader, []);
  return ctx.differences;
}

function sub(ctx: Context): Context {
  return { ...ctx, differences: [] };
}

const compatible = (ctx: Context) => ctx.differences.every((d) => isCompatibleChange(d.type));
const render = (path: readonly string[]) => `#/${path.join('/')}`;
const add = (ctx: Context, type: DifferenceType, path: readonly string[]) => {
  ctx.differences.push({ type, path: render(path) });
};

function compare(ctx: Context, writerIn: unknown, readerIn: unknown, path: readonly string[]): void {
  if (writerIn === undefined && readerIn === undefined) return;
  if (writerIn === undefined) {
    add(ctx, 'SCHEMA_ADDED', path);
    return;
  }
  if (readerIn === undefined) {
    add(ctx, 'SCHEMA_REMOVED', path);
    return;
  }
  const writer = resolve(writerIn, ctx.writerRoot);
  const reader = resolve(readerIn, ctx.readerRoot);
  if (isObject(writer) && isObject(reader)) {
    const seen = ctx.visiting.get(writer) ?? new Set<object>();
    if (seen.has(reader)) return;
    seen.add(reader);
    ctx.visiting.set(writer, seen);
    try {
      compareNodes(ctx, writer, reader, path);
    } finally {
      seen.delete(reader);
    }
    return;
  }
  compareNodes(ctx, writer, reader, path);
}

function compareNodes(ctx: Context, writer: unknown, reader: unknown, path: readonly string[]): void {
  const w = classify(writer);
  const r = classify(reader);
  if (w.kind !== 'combined' && r.kind === 'combined') {
    // A reader's union accepts the writer's documents when one branch does.
    if (r.subs.length === 1) {
      const trial = sub(ctx);
      compare(trial, writer, r.subs[0], path);
      if (compatible(trial)) {
        ctx.differences.push(...trial.differences);
        return;
      }
    } else if (r.criterion !== 'allOf') {
      for (const branch of r.subs) {
        const trial = sub(ctx);
        compare(trial, writer, branch, path);
        if (compatible(trial)) {
          ctx.differences.push(...trial.differences);
          add(ctx, 'SUM_TYPE_EXTENDED', path);
          return;
        }
      }
    }
  } else if (w.kind === 'combined' && r.kind !== 'combined' && w.subs.length === 1) {
    const trial = sub(ctx);
    compare(trial, w.subs[0], reader, path);
    if (compatible(trial)) {
      ctx.differences.push(...trial.differences);
      return;
    }
  }
  if (w.kind !== r.kind) {
    // Nothing is written under `false`, and an empty schema reads everything.
    if (w.kind !== 'false' && r.kind !== 'empty') add(ctx, 'TYPE_CHANGED', path);
    return;
  }
  const ws = w.s;
  const rs = r.s;
  if (ws.$id !== rs.$id) add(ctx, 'ID_CHANGED', path);
  if (ws.title !== rs.title) add(ctx, 'TITLE_CHANGED', path);
  if (ws.description !== rs.description) add(ctx, 'DESCRIPTION_CHANGED', path);
  if (canonicalJson(ws.default) !== canonicalJson(rs.default)) add(ctx, 'DEFAULT_CHANGED', path);
  switch (w.kind) {
    case 'string':
      compareBound(ctx, ws, rs, 'minLength', 'MIN_LENGTH', path);
      compareBound(ctx, ws, rs, 'maxLength', 'MAX_LENGTH', path);
      comparePattern(ctx, ws, rs, path);
      break;
    case 'number':
      compareNumber(ctx, w, r as typeof w, path);
      break;
    case 'object':
      compareObject(ctx, ws, rs, path);
      break;
    case 'array':
      compareArray(ctx, ws, rs, path);
      break;
    case 'combined':
      compareCombined(ctx, w, r as typeof w, path);
      break;
    case 'not':
      compareNot(ctx, ws, rs, path);
      break;
    case 'enum':
    case 'boolean':
    case 'null':
    case 'empty':
    case 'false':
      break;
  }
  compareEnum(ctx, ws, rs, w.kind === 'enum', path);
  for (const keyword of UNCHECKED_KEYWORDS)
    if (canonicalJson(ws[keyword]) !== canonicalJson(rs[keyword]))
      add(ctx, 'UNCHECKED_KEYWORD_CHANGED', [...path, keyword]);
}

type BoundRule =
  | 'MIN_LENGTH'
  | 'MAX_LENGTH'
  | 'MINIMUM'
  | 'MAXIMUM'
  | 'EXCLUSIVE_MINIMUM'
  | 'EXCLUSIVE_MAXIMUM'
  | 'MIN_PROPERTIES'
  | 'MAX_PROPERTIES'
  | 'MIN_ITEMS'
  | 'MAX_ITEMS';

/** A bound's change; difference-types.ts says which are compatible (removing one, moving it outwards). */
function compareBound(
  ctx: Context,
  ws: Json,
  rs: Json,
  keyword: string,
  rule: BoundRule,
  path: readonly string[],
): void {
  const a = typeof ws[keyword] === 'number' ? (ws[keyword] as number) : undefined;
  const b = typeof rs[keyword] === 'number' ? (rs[keyword] as number) : undefined;
  if (a === b) return;
  const at = [...path, keyword];
  if (a === undefined) {
    add(ctx, `${rule}_ADDED` as DifferenceType, at);
    return;
  }
  if (b === undefined) {
    add(ctx, `${rule}_REMOVED` as DifferenceType, at);
    return;
  }
  add(ctx, `${rule}_${a < b ? 'INCREASED' : 'DECREASED'}` as DifferenceType, at);
}

function comparePattern(ctx: Context, ws: Json, rs: Json, path: readonly string[]): void {
  const at = [...path, 'pattern'];
  if (ws.pattern === rs.pattern) return;
  if (ws.pattern === undefined) add(ctx, 'PATTERN_ADDED', at);
  else if (rs.pattern === undefined) add(ctx, 'PATTERN_REMOVED', at);
  else add(ctx, 'PATTERN_CHANGED', at);
}

function compareNumber(
  ctx: Context,
  w: { s: Json; integer?: boolean },
  r: { s: Json; integer?: boolean },
  path: readonly string[],
): void {
  compareBound(ctx, w.s, r.s, 'maximum', 'MAXIMUM', path);
  compareBound(ctx, w.s, r.s, 'minimum', 'MINIMUM', path);
  compareBound(ctx, w.s, r.s, 'exclusiveMaximum', 'EXCLUSIVE_MAXIMUM', path);
  compareBound(ctx, w.s, r.s, 'exclusiveMinimum', 'EXCLUSIVE_MINIMUM', path);
  const a = typeof w.s.multipleOf === 'number' ? w.s.multipleOf : undefined;
  const b = typeof r.s.multipleOf === 'number' ? r.s.multipleOf : undefined;
  if (a !== b) {
    const at = [...path, 'multipleOf'];
    const divides = (x: number, y: number) => Math.abs(y / x - Math.round(y / x)) < 1e-9;
    if (a === undefined) add(ctx, 'MULTIPLE_OF_ADDED', at);
    else if (b === undefined) add(ctx, 'MULTIPLE_OF_REMOVED', at);
    // The reader's step a multiple of the writer's accepts fewer numbers (10 → 20); a divisor more.
    else if (divides(a, b)) add(ctx, 'MULTIPLE_OF_EXPANDED', at);
    else if (divides(b, a)) add(ctx, 'MULTIPLE_OF_REDUCED', at);
    else add(ctx, 'MULTIPLE_OF_CHANGED', at);
  }
  if (w.integer && !r.integer) add(ctx, 'TYPE_EXTENDED', path);
  else if (!w.integer && r.integer) add(ctx, 'TYPE_NARROWED', path);
}

function compareEnum(ctx: Context, ws: Json, rs: Json, enumOnly: boolean, path: readonly string[]): void {
  const values = (s: Json): string[] | undefined =>
    Array.isArray(s.enum) ? s.enum.map(canonicalJson) : 'const' in s ? [canonicalJson(s.const)] : undefined;
  const a = values(ws);
  const b = values(rs);
  if (!a && !b) return;
  // An enum beside a type is a product (type ∧ enum): dropping the enum accepts more, adding one fewer.
  if (a && !b) {
    if (!enumOnly) add(ctx, 'PRODUCT_TYPE_NARROWED', path);
    return;
  }
  if (!a && b) {
    add(ctx, 'PRODUCT_TYPE_EXTENDED', path);
    return;
  }
  const writerValues = new Set(a);
  const readerValues = new Set(b);
  const at = [...path, 'enum'];
  const readerHasAll = [...writerValues].every((v) => readerValues.has(v));
  const writerHasAll = [...readerValues].every((v) => writerValues.has(v));
  if (readerHasAll && writerHasAll) return;
  if (readerHasAll) add(ctx, 'ENUM_ARRAY_EXTENDED', at);
  else if (writerHasAll) add(ctx, 'ENUM_ARRAY_NARROWED', at);
  else add(ctx, 'ENUM_ARRAY_CHANGED', at);
}

const schemaMap = (v: unknown): Json => (isObject(v) ? v : {});
const requiredOf = (s: Json): Set<string> =>
  new Set(Array.isArray(s.required) ? s.required.filter((x) => typeof x === 'string') : []);
/** additionalProperties as a schema: absent, true and {} permit anything and are no schema. */
const additionalSchema = (s: Json): Json | undefined =>
  isObject(s.additionalProperties) && Object.keys(s.additionalProperties).length > 0
    ? s.additionalProperties
    : undefined;
const permitsAdditional = (s: Json) => s.additionalProperties !== false;
const isOpenContentModel = (s: Json) =>
  Object.keys(schemaMap(s.patternProperties)).length === 0 &&
  additionalSchema(s) === undefined &&
  permitsAdditional(s);

/** The schema a partially open content model gives a property it does not list, if any. */
function partialSchema(s: Json, key: string): unknown {
  for (const [pattern, schema] of Object.entries(schemaMap(s.patternProperties))) {
    try {
      if (new RegExp(pattern, 'u').test(key)) return schema;
    } catch {
      // An invalid pattern was refused when the schema was registered.
    }
  }
  return additionalSchema(s);
}

const hasDefault = (schema: unknown, root: unknown) => {
  const resolved = resolve(schema, root);
  return isObject(resolved) && 'default' in resolved;
};

function compareObject(ctx: Context, ws: Json, rs: Json, path: readonly string[]): void {
  const wp = schemaMap(ws.properties);
  const rp = schemaMap(rs.properties);
  const wr = requiredOf(ws);
  const rr = requiredOf(rs);
  for (const key of Object.keys(wp)) {
    if (!(key in rp)) continue;
    const at = [...path, 'required', key];
    if (wr.has(key) && !rr.has(key)) add(ctx, 'REQUIRED_ATTRIBUTE_REMOVED', at);
    else if (!wr.has(key) && rr.has(key))
      add(
        ctx,
        hasDefault(rp[key], ctx.readerRoot)
          ? 'REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED'
          : 'REQUIRED_ATTRIBUTE_ADDED',
        at,
      );
  }
  // Beyond Confluent, which only compares `required` for listed properties: a key required without
  // a schema of its own is still a key old events may lack.
  for (const key of rr)
    if (!wr.has(key) && !(key in rp)) add(ctx, 'REQUIRED_ATTRIBUTE_ADDED', [...path, 'required', key]);
  const keys = [...new Set([...Object.keys(wp), ...Object.keys(rp)])];
  for (const key of keys) {
    const at = [...path, 'properties', key];
    if (!(key in rp)) {
      // Only the reader's content model matters: it must still accept what the writer sent.
      if (isOpenContentModel(rs)) add(ctx, 'PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL', at);
      else {
        const partial = partialSchema(rs, key);
        if (partial !== undefined) {
          const trial = sub(ctx);
          compare(trial, wp[key], partial, at);
          ctx.differences.push(...trial.differences);
          add(
            ctx,
            compatible(trial)
              ? 'PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL'
              : 'PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
            at,
          );
        } else if (resolve(wp[key], ctx.writerRoot) === false)
          add(ctx, 'PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL', at);
        else add(ctx, 'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL', at);
      }
    } else if (!(key in wp)) {
      // Only the writer's content model matters: an open one may already have sent this key with
      // any value, so only an empty schema (anything) is safe to add.
      if (isOpenContentModel(ws)) {
        add(
          ctx,
          classify(resolve(rp[key], ctx.readerRoot)).kind === 'empty'
            ? 'PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL'
            : 'PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL',
          at,
        );
      } else {
        const partial = partialSchema(ws, key);
        if (partial !== undefined) {
          const trial = sub(ctx);
          compare(trial, partial, rp[key], at);
          ctx.differences.push(...trial.differences);
          add(
            ctx,
            compatible(trial)
              ? 'PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL'
              : 'PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
            at,
          );
        }
        if (!rr.has(key)) add(ctx, 'OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL', at);
        else
          add(
            ctx,
            hasDefault(rp[key], ctx.readerRoot)
              ? 'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL'
              : 'REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL',
            at,
          );
      }
    } else compare(ctx, wp[key], rp[key], at);
  }
  const ap = [...path, 'additionalProperties'];
  if (permitsAdditional(ws) !== permitsAdditional(rs))
    add(ctx, permitsAdditional(rs) ? 'ADDITIONAL_PROPERTIES_ADDED' : 'ADDITIONAL_PROPERTIES_REMOVED', ap);
  else if (additionalSchema(ws) === undefined && additionalSchema(rs) !== undefined)
    add(ctx, 'ADDITIONAL_PROPERTIES_NARROWED', ap);
  else if (additionalSchema(ws) !== undefined && additionalSchema(rs) === undefined)
    add(ctx, 'ADDITIONAL_PROPERTIES_EXTENDED', ap);
  else if (additionalSchema(ws) !== undefined) compare(ctx, additionalSchema(ws), additionalSchema(rs), ap);
  compareBound(ctx, ws, rs, 'maxProperties', 'MAX_PROPERTIES', path);
  compareBound(ctx, ws, rs, 'minProperties', 'MIN_PROPERTIES', path);
}

function compareArray(ctx: Context, ws: Json, rs: Json, path: readonly string[]): void {
  const items = (s: Json) =>
    s.items === true || (isObject(s.items) && !constrains(s.items)) ? undefined : s.items;
  compare(ctx, items(ws), items(rs), [...path, 'items']);
  compareBound(ctx, ws, rs, 'maxItems', 'MAX_ITEMS', path);
  compareBound(ctx, ws, rs, 'minItems', 'MIN_ITEMS', path);
  const unique = (s: Json) => s.uniqueItems === true;
  if (unique(ws) !== unique(rs))
    add(ctx, unique(rs) ? 'UNIQUE_ITEMS_ADDED' : 'UNIQUE_ITEMS_REMOVED', [...path, 'uniqueItems']);
}

function compareNot(ctx: Context, ws: Json, rs: Json, path: readonly string[]): void {
  if (canonicalJson(ws.not) === canonicalJson(rs.not)) return;
  // `not A` reads `not B` when B's documents include A's: the inner check runs the other way.
  const trial: Context = { ...ctx, writerRoot: ctx.readerRoot, readerRoot: ctx.writerRoot, differences: [] };
  compare(trial, rs.not, ws.not, [...path, 'not']);
  add(ctx, compatible(trial) ? 'NOT_TYPE_NARROWED' : 'NOT_TYPE_EXTENDED', [...path, 'not']);
}

function compareCombined(
  ctx: Context,
  w: { criterion: Criterion; subs: unknown[] },
  r: { criterion: Criterion; subs: unknown[] },
  path: readonly string[],
): void {
  if (w.criterion !== r.criterion) {
    const changed =
      r.criterion === 'anyOf'
        ? false
        : r.criterion === 'oneOf'
          ? w.subs.length !== 1
          : !(w.subs.length === 1 && r.subs.length === 1);
    add(ctx, changed ? 'COMBINED_TYPE_CHANGED' : 'COMBINED_TYPE_EXTENDED', path);
    if (changed) return;
  }
  const distinct = (subs: unknown[]) => [...new Map(subs.map((s) => [canonicalJson(s), s])).values()];
  const ws = distinct(w.subs);
  const rs = distinct(r.subs);
  if (ws.length < rs.length)
    add(ctx, r.criterion === 'allOf' ? 'PRODUCT_TYPE_EXTENDED' : 'SUM_TYPE_EXTENDED', path);
  else if (ws.length > rs.length)
    add(ctx, r.criterion === 'allOf' ? 'PRODUCT_TYPE_NARROWED' : 'SUM_TYPE_NARROWED', path);
  // Which writer subschema each reader subschema can stand for, then a maximum matching.
  const edges = ws.map((writerSub, i) =>
    rs.map((readerSub) => {
      const trial = sub(ctx);
      compare(trial, writerSub, readerSub, [...path, w.criterion, String(i)]);
      return compatible(trial) ? trial.differences : undefined;
    }),
  );
  const matchOfReader = new Array<number>(rs.length).fill(-1);
  const augment = (i: number, seen: boolean[]): boolean => {
    for (let j = 0; j < rs.length; j++) {
      if (!edges[i]?.[j] || seen[j]) continue;
      seen[j] = true;
      const current = matchOfReader[j] ?? -1;
      if (current === -1 || augment(current, seen)) {
        matchOfReader[j] = i;
        return true;
      }
    }
    return false;
  };
  let matched = 0;
  for (let i = 0; i < ws.length; i++) if (augment(i, new Array<boolean>(rs.length).fill(false))) matched++;
  matchOfReader.forEach((i, j) => {
    if (i >= 0) ctx.differences.push(...(edges[i]?.[j] ?? []));
  });
  if (matched < Math.min(ws.length, rs.length)) add(ctx, 'COMBINED_TYPE_SUBSCHEMAS_CHANGED', path);
}
