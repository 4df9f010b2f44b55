export { type DagRunDecision, decideDagRunState } from './dag-run-state.ts';
export { effectivePriorityWeights, type WeightedTask } from './priority.ts';
export { canRetry, type RetryPolicy, retryDelayMs } from './retry-policy.ts';
export {
  type DataInterval,
  intervalsBetween,
  manualRunInterval,
  nextRunInfo,
  type RunInfo,
  SCHEDULE_PRESETS,
  type ScheduleSpec,
  validateSchedule,
} from './schedule.ts';
export {
  assertNever,
  type DagRunState,
  isDagRunFinished,
  isFinished,
  isRunnableNow,
  isUnfinished,
  type TaskInstanceState,
} from './states.ts';
export { evaluateTriggerRule, summarizeUpstreams, type TriggerDecision, type UpstreamSummary } from './trigger-rules.ts';
