export { DagFunctions } from './dag-functions.ts';
export { inProcessLookups, type TaskSecrets } from './lookup-answers.ts';
export { runTry } from './task-runner.ts';
export { startWorker, type WorkerHandle, type WorkerOptions } from './worker.ts';
