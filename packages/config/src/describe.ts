// Owns showing the configuration to a person (`weir info`): every variable Weir reads, its value
// as set or its default, with secrets masked: a variable whose name says it holds a key, token,
// secret or password shows `***`, and a URL shows `***` for its password.
import { envSchema, redactUrl } from './config.ts';

export interface ConfigEntry {
  readonly name: string;
  /** As set (masked), the default, or null when unset without a default. */
  readonly value: string | null;
  readonly source: 'set' | 'default' | 'unset';
}

const SECRET_NAME = /PASSWORD|TOKEN|SECRET|KEY/;

export function maskConfigValue(name: string, value: string): string {
  return SECRET_NAME.test(name) ? '***' : redactUrl(value);
}

/** Every variable of envSchema, in its order; empty strings count as unset, as in parseConfig. */
export function describeConfig(env: Readonly<Record<string, string | undefined>>): ConfigEntry[] {
  return Object.entries(envSchema.shape).map(([name, schema]) => {
    const raw = env[name]?.trim();
    if (raw) return { name, value: maskConfigValue(name, raw), source: 'set' };
    const fallback = schema.safeParse(undefined);
    const value = fallback.success ? fallback.data : undefined;
    if (value === undefined) return { name, value: null, source: 'unset' };
    const text = Array.isArray(value) ? value.join(',') : String(value);
    return { name, value: maskConfigValue(name, text), source: 'default' };
  });
}
