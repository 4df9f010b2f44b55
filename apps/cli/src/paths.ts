// Owns where things are: the Weir installation and the state folder.

import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Root of the Weir installation (the monorepo), whatever the current directory is. */
export const installRoot = fileURLToPath(new URL('../../../', import.meta.url));

export const paths = {
  schema: resolve(installRoot, 'prisma/schema.prisma'),
  migrations: resolve(installRoot, 'prisma/migrations'),
  generatedClient: resolve(installRoot, 'packages/db/src/generated/prisma'),
  webApp: resolve(installRoot, 'apps/web'),
  weirBin: resolve(installRoot, 'apps/cli/bin/weir.mjs'),
} as const;

/** Resolves a configured folder (WEIR_HOME, WEIR_DAGS_FOLDER) against the current directory. */
export function resolveFromCwd(path: string): string {
  return isAbsolute(path) ? path : resolve(process.cwd(), path);
}
