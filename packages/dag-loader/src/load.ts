// Owns importing a DAG file and finding the DAGs it exports.
import { pathToFileURL } from 'node:url';
import { type Dag, isDag } from '@weir/sdk';
import { registerDagLoader } from './register.ts';

/**
 * Imports `file` and returns the DAGs it exports (default export, named exports, or an array).
 * `version` (for example the file's mtime) makes a changed file load afresh; the modules it
 * imports itself stay cached for the life of the process.
 */
export async function importDagFile(file: string, version = ''): Promise<Dag[]> {
  registerDagLoader();
  const url = pathToFileURL(file);
  if (version) url.searchParams.set('v', version);
  const module = (await import(url.href)) as Record<string, unknown>;
  const dags: Dag[] = [];
  for (const value of Object.values(module)) {
    if (isDag(value)) dags.push(value);
    else if (Array.isArray(value)) dags.push(...value.filter(isDag));
  }
  return [...new Set(dags)];
}
