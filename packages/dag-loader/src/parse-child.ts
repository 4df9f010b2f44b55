// Runs in a child process: imports the DAG files the parent sends, one at a time, and answers
// with their serialized DAGs or the error. User code runs here, never in the scheduler.
import { type Dag, serializeDag } from '@weir/sdk';
import { firstFrameIn, locateImportError } from './error-location.ts';
import { importDagFile } from './load.ts';
import type { ParseRequest, ParseResponse } from './parse-protocol.ts';

/** The SDK's hook: `dag()` reports each DAG it creates (see packages/sdk/src/dag.ts). */
const DAG_CREATED = Symbol.for('weir.dag-created');
const hooks = globalThis as Record<symbol, ((dag: Dag) => void) | undefined>;

process.on('message', async (request: ParseRequest) => {
  let response: ParseResponse;
  // DAGs created while this file imports, with where they were created: one the file's own code
  // creates (not a module it imports, which its own file answers for) and does not export is a
  // mistake worth a warning.
  const created: { dag: Dag; stack: string }[] = [];
  hooks[DAG_CREATED] = (dag) => created.push({ dag, stack: new Error().stack ?? '' });
  try {
    const dags = await importDagFile(request.file, request.version);
    const exported = new Set(dags);
    const unexportedDagIds = created
      .filter(({ dag, stack }) => !exported.has(dag) && firstFrameIn(stack, request.file) !== null)
      .map(({ dag }) => dag.dagId);
    response = {
      file: request.file,
      ok: true,
      dags: dags.map((dag) => serializeDag(dag)),
      unexportedDagIds: [...new Set(unexportedDagIds)],
    };
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    const { message, location } = locateImportError(e, request.file);
    response = { file: request.file, ok: false, message, stack: e.stack ?? null, location };
  } finally {
    hooks[DAG_CREATED] = undefined;
  }
  process.send?.(response);
});
process.send?.({ ready: true });
