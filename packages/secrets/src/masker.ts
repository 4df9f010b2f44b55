// Owns hiding secrets in text before it is stored or shown (Airflow's secrets masker): every
// value added here is replaced by `***` wherever it appears, also as it reads URL-encoded or
// inside a JSON string. Task logs, stored errors and `weir` output pass through a masker.

export const MASK = '***';

/**
 * Shorter values are not masked: hiding every "1" or "abc" would wreck logs and hide nothing
 * (Airflow's `min_length_masked_secret`, default 5).
 */
export const MIN_MASKED_LENGTH = 5;

const SENSITIVE_NAME = /secret|password|token|key/i;

/** Whether a variable (or an `extra` field) holds a secret by its name, as Airflow decides. */
export function isSensitiveName(name: string): boolean {
  return SENSITIVE_NAME.test(name);
}

export class SecretMasker {
  private readonly secrets = new Set<string>();
  private pattern: RegExp | undefined;

  /** Adds a secret: a string, or every string and number in a JSON value. Returns what was added. */
  add(value: unknown): string[] {
    const added: string[] = [];
    for (const leaf of leaves(value)) {
      for (const form of forms(leaf)) {
        if (form.length < MIN_MASKED_LENGTH || this.secrets.has(form)) continue;
        this.secrets.add(form);
        added.push(form);
      }
    }
    if (added.length > 0) this.pattern = undefined;
    return added;
  }

  /** A variable's value is a secret when its key says so (`api_token`, `db_password` …). */
  addVariable(key: string, value: unknown): string[] {
    return isSensitiveName(key) ? this.add(value) : [];
  }

  /** A connection's password, and the values in its extra whose names say they are secret. */
  addConnection(connection: {
    readonly password: string | null;
    readonly extra: Readonly<Record<string, unknown>>;
  }): string[] {
    const added = connection.password === null ? [] : this.add(connection.password);
    for (const value of sensitiveValues(connection.extra)) added.push(...this.add(value));
    return added;
  }

  mask(text: string): string {
    if (this.secrets.size === 0) return text;
    this.pattern ??= new RegExp(
      [...this.secrets]
        .sort((a, b) => b.length - a.length)
        .map(escapeRegExp)
        .join('|'),
      'g',
    );
    return text.replace(this.pattern, MASK);
  }

  get size(): number {
    return this.secrets.size;
  }
}

function* sensitiveValues(value: unknown): Generator<unknown> {
  if (Array.isArray(value)) for (const item of value) yield* sensitiveValues(item);
  else if (value !== null && typeof value === 'object')
    for (const [key, item] of Object.entries(value)) {
      if (isSensitiveName(key)) yield item;
      else yield* sensitiveValues(item);
    }
}

function* leaves(value: unknown): Generator<string> {
  if (typeof value === 'string') yield value;
  else if (typeof value === 'number' || typeof value === 'bigint') yield String(value);
  else if (Array.isArray(value)) for (const item of value) yield* leaves(item);
  else if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) yield* leaves(item);
    // The whole object as it prints in a log line too.
    yield JSON.stringify(value);
  }
}

/** The value as it is, URL-encoded (in a connection URI), and escaped inside a JSON string. */
function forms(value: string): string[] {
  const all = new Set([value, value.trim()]);
  try {
    all.add(encodeURIComponent(value));
  } catch {
    // a lone surrogate: no encoded form
  }
  all.add(JSON.stringify(value).slice(1, -1));
  return [...all];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
