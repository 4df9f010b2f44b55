// Owns making this process able to import DAG files: TypeScript through tsx, and `@weir/sdk`
// resolved from the Weir installation wherever the DAG folder is.
import { register as registerHooks } from 'node:module';
import { register as registerTsx } from 'tsx/esm/api';

/** Set by entry scripts (bin/weir.mjs, the parse child) that registered tsx already. */
const TSX_MARK = Symbol.for('weir.tsx-registered');
let registered = false;

export function registerDagLoader(): void {
  if (registered) return;
  registered = true;
  const global = globalThis as Record<symbol, unknown>;
  if (!global[TSX_MARK]) {
    registerTsx();
    global[TSX_MARK] = true;
  }
  // Hooks registered later run first: ours rewrites the parent of `@weir/sdk`, then tsx resolves.
  registerHooks('./resolve-hook.mjs', import.meta.url);
}
