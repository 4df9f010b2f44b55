// Owns where WEIR_SECRET_KEY comes from. `weir standalone` is the one place a key is generated:
// when the variable is unset it reads `WEIR_HOME/secret-key`, or writes a random one there
// (readable by its owner only) and hands it to every process it starts. Commands a user runs
// beside it (`weir connections …`, `weir dags test`) read the same file when the variable is
// unset. Scheduler, worker and web require the variable itself (requireSecretKey).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, parseConfig, type WeirConfig } from '@weir/config';
import { resolveFromCwd } from './paths.ts';

const FILE = 'secret-key';

export function secretKeyFile(home: string): string {
  return join(home, FILE);
}

/** The configured key, else the one `weir standalone` generated in WEIR_HOME, else undefined. */
export function resolveSecretKey(config: WeirConfig): string | undefined {
  return config.secretKey ?? readGenerated(resolveFromCwd(config.home));
}

/** For `weir standalone`: the configured key, else the generated one, generating it when missing. */
export function standaloneSecretKey(
  config: WeirConfig,
  home: string,
): { key: string; source: 'environment' | 'file' | 'generated' } {
  if (config.secretKey) return { key: config.secretKey, source: 'environment' };
  const existing = readGenerated(home);
  if (existing) return { key: existing, source: 'file' };
  const key = randomBytes(32).toString('base64url');
  mkdirSync(home, { recursive: true });
  writeFileSync(secretKeyFile(home), `${key}\n`, { mode: 0o600, flag: 'wx' });
  return { key, source: 'generated' };
}

function readGenerated(home: string): string | undefined {
  const file = secretKeyFile(home);
  if (!existsSync(file)) return undefined;
  const key = readFileSync(file, 'utf8').trim();
  // Checked as the variable would be, so a damaged file is one clear line too.
  try {
    return parseConfig({ WEIR_SECRET_KEY: key }).secretKey;
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError('WEIR_SECRET_KEY', `in ${file} ${error.problem}`);
    throw error;
  }
}
