// @weir/domain: Weir's pure scheduling rules (states, trigger rules, retries, schedules, priority,
// DagRun state, task graph). No I/O and no clock: callers pass `now`.

export {
  type ConnectionFields,
  ConnectionUriError,
  connectionUri,
  parseConnectionUri,
  withUri,
} from './connection-uri.ts';
export {
  type DagRunDecision,
  type DagRunTask,
  decideDagRunState,
  type RunStateTask,
  runStateTaskIds,
} from './dag-run-state.ts';
export {
  type DagGraphProblem,
  downstreamMap,
  type GraphTask,
  leaves,
  roots,
  topologicalOrder,
  validateDagGraph,
} from './graph.ts';
export { argumentsAt, type Expansion, expansionLength } from './mapping.ts';
export { effectivePriorityWeights, type WeightedTask } from './priority.ts';
export { canRetry, MAX_RETRY_DELAY_MS, type RetryPolicy, retryDelayMs } from './retry-policy.ts';
export {
  type DataInterval,
  intervalsBetween,
  MAX_BACKFILL_INTERVALS,
  manualRunInterval,
  nextRunInfo,
  ONCE,
  type RunInfo,
  SCHEDULE_PRESETS,
  type ScheduleSpec,
  validateSchedule,
} from './schedule.ts';
export {
  assertNever,
  DAG_RUN_STATES,
  type DagRunState,
  isActive,
  isDagRunFinished,
  isFailedState,
  isFinished,
  isRunnableNow,
  isSuccessState,
  isUnfinished,
  type RunnableCheck,
  TASK_INSTANCE_STATES,
  type TaskInstanceState,
} from './states.ts';
export {
  decidesBeforeAllDone,
  evaluateTriggerRule,
  summarizeUpstreamCounts,
  summarizeUpstreams,
  type TriggerDecision,
  type UpstreamSummary,
} from './trigger-rules.ts';
