export { checkSiblings, type FinishedTry, passNeed } from './after-try.ts';
export {
  type AckResult,
  acknowledgeAlert,
  countSilences,
  createSilence,
  endSilence,
  getSilence,
  listSilences,
  resolveAlert,
  type SilenceRequest,
  type SilenceView,
} from './alert-commands.ts';
export { incidentKey, type RaisedAlert, type RaisedKind, raiseAlerts } from './alert-raise.ts';
export {
  type AssetEventView,
  type AssetPage,
  type AssetSummary,
  getAsset,
  listAssetEvents,
  listAssets,
  pageAssets,
} from './asset-views.ts';
export { assetsNamedBy, isAssetTriggeredRunId } from './assets.ts';
export {
  type BackfillFilter,
  type BackfillPlanEntry,
  type BackfillRequest,
  type BackfillResult,
  type BackfillState,
  type BackfillSummary,
  cancelBackfill,
  createBackfill,
  getBackfill,
  listBackfills,
  type Reprocess,
} from './backfill.ts';
export { type Clock, systemClock } from './clock.ts';
export {
  ComponentHeartbeat,
  type ComponentHeartbeatOptions,
  type ComponentKind,
} from './component-heartbeat.ts';
export { resolveConf } from './conf.ts';
export {
  assertConnectionFields,
  type ConnectionChange,
  ConnectionStore,
  type ConnectionSummary,
  connectionBox,
} from './connections.ts';
export { type CatalogDag, DagCatalog } from './dag-catalog.ts';
export { type DagFootprint, dagFootprint, deleteDag } from './dag-delete.ts';
export {
  type CreatedRun,
  insertDagRun,
  makeRunId,
  type NewDagRun,
  type RunType,
  type TriggeredRun,
  type TriggerRequest,
} from './dag-runs.ts';
export { removeDagFile, type SyncOptions, syncDagFiles } from './dag-sync.ts';
export type { FileParseOutcome, ParsedDagFile, SyncResult } from './dag-sync-plan.ts';
export { type DagVersionView, dagVersion, listDagVersions } from './dag-versions.ts';
export {
  type DagWarning,
  type DagWarningKind,
  DagWarningWatcher,
  listDagWarnings,
  refreshDagWarnings,
} from './dag-warnings.ts';
export { type DeadlineMissed, deadlineAt, detectDeadlineMisses } from './deadlines.ts';
export { type EagerClaim, Engine, type EngineDeps, type RecoveryOptions, type TickReport } from './engine.ts';
export { EngineError, type EngineErrorCode } from './errors.ts';
export { assertPoolName, deletePool, listPools, type PoolDetailView, setPool } from './pools.ts';
export {
  type AlertDetailView,
  type AlertQuery,
  type AlertStateName,
  type AlertView,
  type DeliveryView,
  getAlert,
  listAlerts,
  listDeliveries,
  listFailedDeliveries,
} from './read-model/alerts.ts';
export {
  type AuditLogEntryView,
  type AuditLogQuery,
  auditLogFacets,
  pageAuditLog,
} from './read-model/audit-log.ts';
export { changeToken } from './read-model/changes.ts';
export { type DagGraphView, dagGraph, type GraphTaskView } from './read-model/dag-graph.ts';
export {
  countDagRuns,
  type DagRunQuery,
  type DagRunView,
  getDagRun,
  listDagRuns,
} from './read-model/dag-runs.ts';
export {
  type CalendarDay,
  type DeadlineMissPageQuery,
  type DeadlineMissView,
  dagVersionOfRun,
  pageDeadlineMisses,
  runCalendar,
} from './read-model/dag-views.ts';
export {
  getStoredDag,
  type ImportErrorView,
  listDagIds,
  listImportErrors,
  type StoredDagView,
} from './read-model/dags.ts';
export {
  dagGrid,
  GRID_DEFAULT_RUNS,
  type GridCellView,
  type GridQuery,
  type GridRunView,
  type GridTaskView,
  GridView,
} from './read-model/grid.ts';
export { nextScheduledRunsOf } from './read-model/next-runs.ts';
export {
  type ComponentView,
  type DagListEntry,
  type DagListQuery,
  type DashboardView,
  dashboard,
  listDagsOverview,
  type PoolView,
  type QueueView,
} from './read-model/overview.ts';
export {
  type Page,
  pageDagRuns,
  pageTaskInstances,
  type RunPageQuery,
  type TaskInstancePageQuery,
  type TaskInstanceRowView,
} from './read-model/pages.ts';
export {
  type GanttTryView,
  getRunGantt,
  RunGanttSchema,
  type RunGanttView,
  tryState,
} from './read-model/run-gantt.ts';
export {
  assetNodeId,
  buildRunGraph,
  getRunGraph,
  RunGraphSchema,
  type RunGraphTaskView,
  type RunGraphView,
} from './read-model/run-graph.ts';
export { summaryState } from './read-model/state-summary.ts';
export { getTaskInstance, listTaskInstances, type TaskInstanceView } from './read-model/task-instances.ts';
export { getTry, readTaskLog, type TaskLogLine, type TryView } from './read-model/task-logs.ts';
export { listXComs, type XComView } from './read-model/xcom.ts';
export { type RecoveredTry, recoverStuckQueued, recoverZombies } from './recovery.ts';
export {
  type ClearRequest,
  type ClearResult,
  clearTaskInstances,
  downstreamOf,
  MARK_STATES,
  type MarkState,
  markDagRun,
  markTaskInstances,
  type RunMarkState,
} from './run-commands.ts';
export { createDueScheduledRuns } from './run-lifecycle.ts';
export { type ScheduleOptions, type ScheduleOutcome, scheduleDagRun } from './scheduling.ts';
export {
  type PokeRecord,
  pokeDelayMs,
  recordPoke,
  SENSOR_POKES_KEY,
  wakeDueReschedules,
} from './sensors.ts';
export {
  envName,
  parseEnvValue,
  TaskLookups,
  type TaskLookupsDeps,
  type VariableLookup,
} from './task-lookups.ts';
export { expandSources, expansionOf, mappedArgumentsAt, OutputCache, taskOutputs } from './task-outputs.ts';
export {
  type ClaimedTry,
  type ClaimResult,
  claimTries,
  claimTry,
  type FinishResult,
  finishTries,
  finishTry,
  TEST_RUN_TRIGGER,
  type TaskAlertChange,
  type TryOutcome,
} from './task-tries.ts';
export {
  assertVariableKey,
  createVariable,
  deleteVariable,
  getVariable,
  importVariables,
  listVariables,
  type StoredVariable,
  setVariable,
  updateVariable,
} from './variables.ts';
