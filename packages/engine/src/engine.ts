// Owns wiring the engine's parts to one database, one task queue and one clock. Schedulers,
// workers, the CLI and the web all change run state through this class.
import type { Db, RawSql } from '@weir/db';
import type { TaskJob, TaskQueue } from '@weir/queue';
import type { AssetEventInfo, SerializedDag } from '@weir/sdk';
import { checkSiblings, type FinishedTry, passNeed } from './after-try.ts';
import {
  type AssetRunsOutcome,
  consumersOf,
  createAssetTriggeredRuns,
  dagsWithNewAssetEvents,
  touchAsset,
  triggeringAssetEvents,
} from './assets.ts';
import {
  type BackfillRequest,
  type BackfillResult,
  closeFinishedBackfills,
  createBackfill,
} from './backfill.ts';
import { type Clock, systemClock } from './clock.ts';
import { DagCatalog } from './dag-catalog.ts';
import { type StartedRuns, type TriggeredRun, type TriggerRequest, triggerDagRun } from './dag-runs.ts';
import { detectDeadlineMisses } from './deadlines.ts';
import { GroupBatcher } from './group-batcher.ts';
import { type RecoveredTry, recoverStuckQueued, recoverZombies } from './recovery.ts';
import {
  type ClearRequest,
  type ClearResult,
  clearTaskInstances,
  markDagRun,
  markTaskInstances,
  type RunMarkState,
} from './run-commands.ts';
import { createDueScheduledRuns, runsToExamine, staleQueuedTries, startQueuedRuns } from './run-lifecycle.ts';
import { nextScheduledRuns, storeNextDagRuns } from './schedule-spec.ts';
import {
  type FinishedRun,
  type PassOptions,
  type ScheduleOptions,
  type ScheduleOutcome,
  scheduleDagRun,
  scheduleDagRuns,
} from './scheduling.ts';
import { OutputCache } from './task-outputs.ts';
import {
  type ClaimedTry,
  type ClaimRequest,
  type ClaimResult,
  claimTries,
  type FinishRequest,
  type FinishResult,
  finishTries,
} from './task-tries.ts';

/** A worker that will run one of the tries a pass queues itself (eager dispatch). */
export type EagerClaim = NonNullable<ScheduleOptions['claimFor']>;

/** What a pass started by this caller may do besides scheduling. */
type PassExtras = Pick<ScheduleOptions, 'claimFor' | 'finishFirst'>;

export interface EngineDeps {
  readonly db: Db;
  /** Raw SQL for the hot path (claim, finish, schedule); defaults to Prisma's raw queries. */
  readonly sql?: RawSql;
  readonly queue: TaskQueue;
  readonly clock?: Clock;
  /** Called when a run reaches its final state (for DAG callbacks and alerts). */
  readonly onRunFinished?: (finished: NonNullable<ScheduleOutcome['finished']>) => void;
  /** `weir dags test` runs a DAG whether or not it is paused, as `airflow dags test` does. */
  readonly ignorePause?: boolean;
  /** Most instances one mapped task may expand to. Default 1024. */
  readonly maxMapLength?: number;
  /** Most instances of one mapped task queued in Redis at once (queue-runnable.ts). Default 512. */
  readonly mappedQueueWindow?: number;
}

export interface RequeuedTry {
  readonly taskInstanceId: number;
  readonly tryNumber: number;
  readonly queue: string;
}

export interface TickReport {
  readonly createdRuns: number;
  readonly startedRuns: number;
  readonly examinedRuns: number;
  readonly queuedTries: number;
  /** Each try recovery declared lost (zombies, tries queued too long), for the scheduler's log. */
  readonly recovered: readonly RecoveredTry[];
  /** Each queued try whose job was gone from Redis and was added again. */
  readonly requeued: readonly RequeuedTry[];
  readonly deadlineMisses: number;
  /** Ids of backfills this tick found with every run finished, now completed. */
  readonly completedBackfills: readonly number[];
  /** The tick stopped at its limit of runs to create: tick again at once. */
  readonly moreDue: boolean;
}

export interface RecoveryOptions {
  /** A running try whose worker has not heartbeated for this long is lost. Default 30 s. */
  readonly zombieThresholdMs?: number;
  /** A queued try whose job is missing from Redis after this long gets its job back. Default 5 s. */
  readonly requeueAfterMs?: number;
  /** A try queued for this long is retried or failed. Default 10 min. */
  readonly queuedTimeoutMs?: number;
  /** A running run no event touched for this long is examined again. Default 5 s. */
  readonly staleAfterMs?: number;
}

export class Engine {
  readonly db: Db;
  readonly sql: RawSql;
  readonly queue: TaskQueue;
  readonly clock: Clock;
  readonly catalog: DagCatalog;
  readonly maxMapLength: number;
  /** Upstream outputs that mapped instances run in this process read again and again. */
  readonly outputs: OutputCache;
  // Group commit for the statements every try sends (group-batcher.ts).
  private readonly claims: GroupBatcher<ClaimRequest, ClaimResult>;
  private readonly finishes: GroupBatcher<FinishRequest, FinishResult>;
  private readonly siblingChecks: GroupBatcher<FinishedTry, boolean>;

  constructor(private readonly deps: EngineDeps) {
    this.db = deps.db;
    this.sql = deps.sql ?? deps.db;
    this.queue = deps.queue;
    this.clock = deps.clock ?? systemClock;
    this.catalog = new DagCatalog(deps.db);
    this.maxMapLength = deps.maxMapLength ?? 1024;
    this.outputs = new OutputCache(this.sql);
    this.claims = new GroupBatcher((requests) => claimTries(this.sql, requests));
    this.finishes = new GroupBatcher((requests) => finishTries(this.sql, requests));
    this.siblingChecks = new GroupBatcher((finished) => checkSiblings(this.sql, finished), {
      maxInFlight: 1,
    });
  }

  /** queued → running for this try (task-tries.ts), batched with other tries claimed meanwhile. */
  claimTry(job: ClaimRequest['job'], worker: ClaimRequest['worker']): Promise<ClaimResult> {
    return this.claims.submit({ job, worker, now: this.clock() });
  }

  /** Records how a try ended (task-tries.ts), batched with other tries ending meanwhile. */
  finishTry(
    claimed: FinishRequest['claimed'],
    task: FinishRequest['task'],
    outcome: FinishRequest['outcome'],
  ) {
    return this.finishes.submit({ claimed, task, outcome, now: this.clock() });
  }

  private readonly passes = new Map<
    number,
    { running: Promise<ScheduleOutcome>; next?: Promise<ScheduleOutcome> }
  >();

  /**
   * Decides what can run next in a run and hands those tries to workers. Requests for the same
   * run coalesce within this process: while a pass runs, every new request shares the one pass
   * that starts after it (and so sees their changes). Many tasks of one run finishing at once
   * (a mapped task) then cost two passes, not one each, since passes of a run are serialized by
   * its row lock anyway.
   */
  schedule(dagRunId: number, extra: PassExtras = {}): Promise<ScheduleOutcome> {
    const current = this.passes.get(dagRunId);
    if (!current) {
      const running = this.schedulePass(dagRunId, extra).finally(() => this.advance(dagRunId));
      this.passes.set(dagRunId, { running });
      return running;
    }
    current.next ??= current.running.catch(() => undefined).then(() => this.schedulePass(dagRunId));
    return current.next;
  }

  private advance(dagRunId: number): void {
    const current = this.passes.get(dagRunId);
    if (!current?.next) {
      this.passes.delete(dagRunId);
      return;
    }
    const running = current.next.finally(() => this.advance(dagRunId));
    this.passes.set(dagRunId, { running });
  }

  /**
   * Call after a try's end is recorded: schedules the run unless the end cannot change anything
   * (after-try.ts), which spares a mapped task's instances one pass each. With `eager`, the
   * worker whose slot this try just freed gets one of the tries the pass queued, claimed for it
   * in the pass's own transaction (eager dispatch, as Temporal's eager activities): no Redis
   * job, no separate claim. A worker that dies with it is a zombie like any running try.
   */
  async tryFinished(
    dagId: string,
    finished: FinishedTry,
    eager?: EagerClaim,
  ): Promise<ClaimedTry | undefined> {
    return this.scheduleAfter((await this.catalog.get(dagId))?.dag, finished, eager);
  }

  private async scheduleAfter(
    dag: SerializedDag | undefined,
    finished: FinishedTry,
    eager?: EagerClaim,
  ): Promise<ClaimedTry | undefined> {
    if (passNeed(dag, finished) === 'check' && !(await this.siblingChecks.submit(finished))) return undefined;
    // Only a pass this call starts can hand a try over; a coalesced one serves many callers.
    const starts = !this.passes.has(finished.dagRunId);
    const outcome = await this.schedule(finished.dagRunId, starts && eager ? { claimFor: eager } : {});
    return starts ? outcome.claimed : undefined;
  }

  /**
   * finishTry then tryFinished, for an unmapped task's try: when no pass of its run is under way
   * in this process, the end is recorded inside the pass's transaction (one commit per hop). A
   * mapped instance's end that needs no pass of its own hands its slot to a waiting sibling
   * (FinishRequest.handOver), claimed for this worker in the same statement.
   */
  async finishAndSchedule(
    claimed: FinishRequest['claimed'] & { readonly dagRunId: number; readonly mapIndex: number },
    task: FinishRequest['task'],
    outcome: FinishRequest['outcome'],
    eager?: EagerClaim,
  ): Promise<{ result: FinishResult; next?: ClaimedTry }> {
    const finished = await this.finishAndScheduleRun(claimed, task, outcome, eager);
    // The success recorded its outlets' asset events: the DAGs scheduled on them may run now.
    if (
      finished.result.kind === 'recorded' &&
      outcome.kind === 'success' &&
      outcome.assetEvents &&
      outcome.assetEvents.length > 0
    )
      await this.assetsUpdated(outcome.assetEvents.map((a) => a.uri));
    return finished;
  }

  private async finishAndScheduleRun(
    claimed: FinishRequest['claimed'] & { readonly dagRunId: number; readonly mapIndex: number },
    task: FinishRequest['task'],
    outcome: FinishRequest['outcome'],
    eager?: EagerClaim,
  ): Promise<{ result: FinishResult; next?: ClaimedTry }> {
    const request = { claimed, task, outcome, now: this.clock() };
    const fuse =
      !this.passes.has(claimed.dagRunId) && claimed.mapIndex < 0 && outcome.kind !== 'up_for_reschedule';
    if (fuse) {
      try {
        const pass = await this.schedule(claimed.dagRunId, {
          finishFirst: request,
          ...(eager ? { claimFor: eager } : {}),
        });
        const result = pass.finish ?? { kind: 'not_running' };
        return pass.claimed ? { result, next: pass.claimed } : { result };
      } catch {
        // The pass failed and took the end with it: record the end alone, then schedule apart.
      }
    }
    const dag = (await this.catalog.get(claimed.dagId))?.dag;
    const handOver =
      !fuse &&
      eager !== undefined &&
      claimed.mapIndex >= 0 &&
      (outcome.kind === 'success' || outcome.kind === 'skipped') &&
      passNeed(dag, { ...claimed, state: outcome.kind }) === 'check';
    const result = await this.finishes.submit(handOver ? { ...request, handOver: eager.worker } : request);
    if (result.kind !== 'recorded') return { result };
    // The freed slot went to another instance of the task: a pass would have done no more.
    if (result.successor) return { result, next: result.successor };
    const next = await this.scheduleAfter(dag, { ...claimed, state: result.state }, fuse ? undefined : eager);
    return next ? { result, next } : { result };
  }

  private async schedulePass(dagRunId: number, extra: PassExtras = {}): Promise<ScheduleOutcome> {
    const outcome = await scheduleDagRun(this.sql, this.catalog, dagRunId, this.clock(), {
      ...this.passOptions,
      ...extra,
    });
    await this.afterPass(outcome.jobs, outcome.finished ? [outcome.finished] : []);
    return outcome;
  }

  /**
   * One pass over many runs, in transactions of up to `chunk` runs (the tick's way). Runs that
   * another pass holds are skipped: it is deciding them. A chunk's tries go to Redis while the
   * next chunk is decided. Returns how many runs it examined and tries it queued.
   */
  async scheduleMany(
    dagRunIds: readonly number[],
    chunk = 50,
  ): Promise<{ examined: number; queued: number }> {
    let examined = 0;
    let queued = 0;
    const handoffs: Promise<void>[] = [];
    let failed: { reason: unknown } | undefined;
    try {
      for (let i = 0; i < dagRunIds.length; i += chunk) {
        const outcome = await scheduleDagRuns(
          this.sql,
          this.catalog,
          dagRunIds.slice(i, i + chunk),
          this.clock(),
          this.passOptions,
        );
        const handoff = this.afterPass(outcome.jobs, outcome.finished);
        // Observed below; until then a rejection must not count as unhandled (that ends the process).
        handoff.catch(() => {});
        handoffs.push(handoff);
        examined += outcome.examined;
        queued += outcome.jobs.length;
      }
    } catch (reason) {
      failed = { reason };
    }
    // Every committed chunk's tries reach Redis (or fail) before this returns.
    const settled = await Promise.allSettled(handoffs);
    failed ??= settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    return { examined, queued };
  }

  private get passOptions(): PassOptions {
    return {
      ignorePause: this.deps.ignorePause ?? false,
      maxMapLength: this.maxMapLength,
      ...(this.deps.mappedQueueWindow ? { mappedQueueWindow: this.deps.mappedQueueWindow } : {}),
    };
  }

  /** After a pass commits: hand its tries to workers; a finished run's callbacks go to a worker. */
  private async afterPass(jobs: readonly TaskJob[], finished: readonly FinishedRun[]): Promise<void> {
    if (jobs.length > 0) await this.queue.enqueue(jobs);
    for (const run of finished) {
      const callbacks = (await this.catalog.get(run.dagId))?.dag.callbacks ?? [];
      // DAG callbacks run in a worker, never here.
      if (callbacks.includes(run.state === 'success' ? 'onSuccess' : 'onFailure')) {
        await this.queue.enqueueRunCallback({ dagRunId: run.dagRunId, state: run.state });
      }
      this.deps.onRunFinished?.(run);
    }
  }

  /** Creates a manual run, starts it if the DAG has room, and schedules its first tasks. */
  async trigger(request: TriggerRequest): Promise<TriggeredRun> {
    const outcome = await triggerDagRun(this.sql, this.catalog, this.clock, request, this.passOptions);
    await this.handOver(outcome);
    return outcome.run;
  }

  /**
   * Records an external update of an asset (`weir assets touch`, Airflow's materialize API); the
   * DAGs scheduled on it run at once when their condition is met.
   */
  async touchAsset(
    uri: string,
    extra: Record<string, unknown> = {},
  ): Promise<{ event: { id: number; uri: string; timestamp: Date }; runs: AssetRunsOutcome['created'] }> {
    const { event, runs } = await touchAsset(
      this.sql,
      this.catalog,
      this.clock,
      uri,
      extra,
      this.passOptions,
    );
    await this.handOver(runs);
    return { event, runs: runs.created };
  }

  /** The events an asset-triggered run consumed (its tasks' ctx.triggeringAssetEvents). */
  triggeringAssetEvents(dagRunId: number): Promise<AssetEventInfo[]> {
    return triggeringAssetEvents(this.sql, dagRunId);
  }

  /** Creates the asset-triggered runs that events on these assets make due, and starts them. */
  private async assetsUpdated(uris: readonly string[]): Promise<AssetRunsOutcome['created']> {
    return this.createAssetRuns(await consumersOf(this.sql, uris));
  }

  private async createAssetRuns(dagIds: readonly string[]): Promise<AssetRunsOutcome['created']> {
    if (dagIds.length === 0) return [];
    const outcome = await createAssetTriggeredRuns(
      this.sql,
      this.catalog,
      this.clock,
      dagIds,
      this.passOptions,
    );
    await this.handOver(outcome);
    return outcome.created;
  }

  /** After a transaction that created and started runs: their tries to workers, the rest scheduled. */
  private async handOver(started: StartedRuns): Promise<void> {
    await this.afterPass(started.jobs, started.finished);
    for (const id of started.alsoStarted) await this.schedule(id);
  }

  async clear(request: ClearRequest): Promise<ClearResult> {
    const result = await clearTaskInstances(this.db, this.catalog, request);
    if (!request.dryRun) await this.schedule(result.dagRunId);
    return result;
  }

  async markTasks(request: Parameters<typeof markTaskInstances>[2]): Promise<number> {
    const result = await markTaskInstances(this.db, this.catalog, request);
    await this.schedule(result.dagRunId);
    return result.marked;
  }

  async markRun(request: { dagId: string; runId: string; state: RunMarkState }): Promise<void> {
    await markDagRun(this.db, this.catalog, request);
  }

  /** Plans (dry run) or creates a backfill; the scheduler starts its runs. */
  async backfill(request: BackfillRequest): Promise<BackfillResult> {
    const result = await createBackfill(this.db, this.catalog, request);
    if (result.backfillId !== null) {
      for (const id of await startQueuedRuns(this.sql, this.clock, { dagId: request.dagId }))
        await this.schedule(id);
      const reprocessed = await this.db.dagRun.findMany({
        where: { backfillId: result.backfillId, state: 'running' },
        select: { id: true },
      });
      for (const run of reprocessed) await this.schedule(run.id);
    }
    return result;
  }

  /**
   * Unpausing moves the DAG's next scheduled run on to what is due now (with catchup off, the
   * latest interval), as Airflow does, in the same transaction as the flag: intervals skipped
   * while paused are never counted as deadline misses.
   */
  async setPaused(dagId: string, paused: boolean): Promise<boolean> {
    const entry = paused ? undefined : await this.catalog.get(dagId);
    const found = await this.sql.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<{ is_paused: boolean }[]>`
        SELECT is_paused FROM dag WHERE dag_id = ${dagId} FOR UPDATE`;
      const row = rows[0];
      if (!row) return false;
      const now = this.clock();
      await tx.$executeRaw`UPDATE dag SET is_paused = ${paused}, updated_at = ${now} WHERE dag_id = ${dagId}`;
      if (row.is_paused && entry && !entry.dag.catchup)
        await storeNextDagRuns(tx, await nextScheduledRuns(tx, [entry.dag], now));
      return true;
    });
    this.catalog.invalidate(dagId);
    return found;
  }

  /** The scheduler's periodic pass: cron runs, run starts, retries due, recovery. */
  async tick(options: RecoveryOptions = {}): Promise<TickReport> {
    const { created, moreDue, missed } = await createDueScheduledRuns(this.sql, this.catalog, this.clock);
    // Events whose runs were not created when they happened (the DAG was paused, or the process
    // that recorded them stopped first) are picked up here.
    const assetRuns = await this.createAssetRuns(await dagsWithNewAssetEvents(this.sql));
    const started = await startQueuedRuns(this.sql, this.clock);
    const recovered = [
      ...(await recoverZombies(this.sql, this.catalog, this.clock, options.zombieThresholdMs ?? 30_000)),
      ...(await recoverStuckQueued(this.db, this.clock, options.queuedTimeoutMs ?? 600_000)),
    ];
    const toExamine = new Set([
      ...started,
      ...recovered.map((r) => r.dagRunId),
      ...(await runsToExamine(this.db, this.clock, options.staleAfterMs ?? 5_000)),
    ]);
    const examined = await this.scheduleMany([...toExamine]);
    const requeued = await this.requeueLostJobs(options.requeueAfterMs ?? 5_000);
    const misses = await detectDeadlineMisses(this.db, this.catalog, this.clock);
    const completedBackfills = await closeFinishedBackfills(this.sql, this.clock());
    return {
      createdRuns: created.length + assetRuns.length,
      startedRuns: started.length,
      examinedRuns: examined.examined,
      queuedTries: examined.queued,
      recovered,
      requeued,
      deadlineMisses: missed.length + misses.length,
      completedBackfills,
      moreDue,
    };
  }

  /** Postgres is the truth: a queued try whose job is gone from Redis gets its job back. */
  private async requeueLostJobs(olderThanMs: number): Promise<RequeuedTry[]> {
    const stale = await staleQueuedTries(this.db, this.clock, olderThanMs);
    const jobs = stale.map((t) => ({
      queue: t.queue,
      data: { taskInstanceId: t.taskInstanceId, tryNumber: t.tryNumber },
    }));
    const present = await this.queue.existing(jobs);
    const lost = jobs.filter((_, i) => !present[i]);
    if (lost.length > 0) await this.queue.enqueue(lost);
    return lost.map((job) => ({ ...job.data, queue: job.queue }));
  }
}
