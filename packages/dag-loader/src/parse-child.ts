// Runs in a child process: imports the DAG files the parent sends, one at a time, and answers
// with their serialized DAGs or the error. User code runs here, never in the scheduler.
import { serializeDag } from '@weir/sdk';
import { importDagFile } from './load.ts';
import type { ParseRequest, ParseResponse } from './parse-protocol.ts';

process.on('message', async (request: ParseRequest) => {
  let response: ParseResponse;
  try {
    const dags = await importDagFile(request.file, request.version);
    response = { file: request.file, ok: true, dags: dags.map((dag) => serializeDag(dag)) };
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    response = { file: request.file, ok: false, message: e.message, stack: e.stack ?? null };
  }
  process.send?.(response);
});
process.send?.({ ready: true });
