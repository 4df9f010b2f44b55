// Owns generating the Prisma client from prisma/schema.prisma, offline and only when needed.
// Prisma's CLI wants to download a native schema engine at start-up; generation never calls it,
// so we point PRISMA_SCHEMA_ENGINE_BINARY at any executable (see ENVIRONMENT.md).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface GenerateOptions {
  readonly schemaPath: string;
  readonly outputDir: string;
  readonly cwd: string;
  /** Regenerate even when the stamp says the client is current. */
  readonly force?: boolean;
}

export type GenerateResult = { generated: false; reason: 'up to date' } | { generated: true; ms: number };

/** Runs `prisma generate` unless the client was already generated from this exact schema. */
export async function generateClient(options: GenerateOptions): Promise<GenerateResult> {
  const stampPath = join(options.outputDir, '.weir-stamp');
  const stamp = schemaStamp(options.schemaPath);
  if (!options.force && existsSync(stampPath) && readFileSync(stampPath, 'utf8') === stamp) {
    return { generated: false, reason: 'up to date' };
  }
  const require = createRequire(join(options.cwd, 'package.json'));
  const prismaCli = require.resolve('prisma/build/index.js');
  const started = performance.now();
  try {
    await run(process.execPath, [prismaCli, 'generate', '--schema', options.schemaPath], {
      cwd: options.cwd,
      env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: trueBinary(), PRISMA_HIDE_UPDATE_MESSAGE: '1' },
    });
  } catch (error) {
    const output = (error as { stderr?: string; stdout?: string }).stderr || (error as Error).message;
    throw new Error(`prisma generate failed: ${output.trim().split('\n').slice(-5).join(' | ')}`, {
      cause: error,
    });
  }
  writeFileSync(stampPath, stamp);
  return { generated: true, ms: performance.now() - started };
}

function schemaStamp(schemaPath: string): string {
  const prismaVersion = (createRequire(import.meta.url)('prisma/package.json') as { version: string })
    .version;
  return createHash('sha256').update(prismaVersion).update(readFileSync(schemaPath)).digest('hex');
}

/** Any executable will do: generation never runs the schema engine. */
function trueBinary(): string {
  for (const candidate of ['/usr/bin/true', '/bin/true']) if (existsSync(candidate)) return candidate;
  return process.execPath;
}
