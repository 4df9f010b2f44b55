// Owns Weir's version: the installation's package.json, so `weir --version` and `weir info` agree.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { installRoot } from './paths.ts';

export const weirVersion: string = (
  JSON.parse(readFileSync(resolve(installRoot, 'package.json'), 'utf8')) as { version: string }
).version;
