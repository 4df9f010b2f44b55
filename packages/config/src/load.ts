// Owns reading the optional `.env` file into the process environment before parsing.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { config as readDotenv } from 'dotenv';
import { parseConfig, type WeirConfig } from './config.ts';

/**
 * Reads `.env` from `dir` (when present; real environment variables win over it), then
 * parses and validates the environment. Throws ConfigError on a bad value.
 */
export function loadConfig(dir: string = process.cwd()): WeirConfig {
  const file = resolve(dir, '.env');
  if (existsSync(file)) readDotenv({ path: file, quiet: true, override: false });
  return parseConfig(process.env);
}
