export {
  DagProcessor,
  type DagProcessorOptions,
  type ProcessReport,
  runDagProcessorLoop,
} from './dag-processor.ts';
export { runSchedulerLoop } from './scheduler-loop.ts';
