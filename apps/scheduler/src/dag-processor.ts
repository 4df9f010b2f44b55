// Owns keeping PostgreSQL in step with the DAGs folder: parses new and changed files in child
// processes (with a timeout), writes serialized DAGs and import errors, and retires the DAGs of
// files that disappeared. The scheduler loop never imports DAG files; this does, out of process.
import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import type { Logger } from '@weir/config';
import {
  type DagFileStat,
  discoverDagFiles,
  type ParseResult,
  parseDagFiles,
  statDagFile,
} from '@weir/dag-loader';
import type { Db } from '@weir/db';
import {
  type Clock,
  type ParsedDagFile,
  removeDagFile,
  type SyncOptions,
  type SyncResult,
  syncDagFiles,
  systemClock,
} from '@weir/engine';
import type { AlertNames } from '@weir/sdk';
import { type Periodic, runPeriodically } from './periodic.ts';
import { staleDagFiles, storedParseTimes } from './stale-files.ts';

export interface DagProcessorOptions {
  readonly db: Db;
  readonly folder: string;
  readonly clock?: Clock;
  /** Per file. Default 30 s. */
  readonly importTimeoutMs?: number;
  readonly concurrency?: number;
  readonly logger?: Logger;
  /** Whether a new DAG that does not set pausedAtCreation starts paused (WEIR_DAGS_PAUSED_AT_CREATION). Default false. */
  readonly pausedAtCreation?: boolean;
  /**
   * The routes and channels alerts.yaml defines (from loadAlertsConfig): each sync then warns of
   * DAGs whose `alerts` option names others (`unknown_alert_route`, `unknown_alert_channel`).
   * Left out, those warnings are neither added nor removed.
   */
  readonly alertNames?: AlertNames;
}

export interface ProcessReport {
  readonly parsed: readonly SyncResult[];
  readonly removed: readonly string[];
  readonly durationMs: number;
}

export class DagProcessor {
  private readonly known = new Map<string, string>();
  private firstPass = true;
  readonly folder: string;

  constructor(private readonly options: DagProcessorOptions) {
    this.folder = resolve(options.folder);
  }

  /** One pass: parse what changed since the last pass, retire what is gone. */
  async processOnce(): Promise<ProcessReport> {
    const started = performance.now();
    const { db } = this.options;
    const clock = this.options.clock ?? systemClock;
    const files = discoverDagFiles(this.folder);
    const changed = files.filter((f) => this.known.get(f.path) !== f.version);
    const present = new Set(files.map((f) => f.path));
    const removed = [...this.known.keys()].filter((path) => !present.has(path));
    if (this.firstPass) {
      // Files that vanished while no processor ran are only known to the database.
      const stored = await db.dag.findMany({
        where: { isActive: true },
        select: { fileloc: true },
        distinct: ['fileloc'],
      });
      const errors = await db.importError.findMany({ select: { fileloc: true } });
      for (const { fileloc } of [...stored, ...errors]) {
        if (fileloc.startsWith(`${this.folder}/`) && !present.has(fileloc) && !removed.includes(fileloc))
          removed.push(fileloc);
      }
      this.firstPass = false;
    }
    for (const fileloc of removed) {
      await removeDagFile(db, fileloc);
      this.known.delete(fileloc);
      this.options.logger?.info({ fileloc }, 'DAG file removed; its DAGs are now inactive');
    }
    const parsed = await this.parse(changed, clock);
    return { parsed, removed, durationMs: performance.now() - started };
  }

  /**
   * One pass for a process that has not been watching the folder (`weir dags list`): parses only
   * the files PostgreSQL has no parse of or an older one, and retires files that are gone. With
   * a dag processor running, it finds nothing to do.
   */
  async processStale(): Promise<ProcessReport> {
    const started = performance.now();
    const files = discoverDagFiles(this.folder);
    const { stale, removed } = staleDagFiles(files, await storedParseTimes(this.options.db, this.folder));
    for (const fileloc of removed) await removeDagFile(this.options.db, fileloc);
    const parsed = await this.parse(stale, this.options.clock ?? systemClock);
    return { parsed, removed, durationMs: performance.now() - started };
  }

  /**
   * Parses and stores these files alone (nothing is retired): what `weir dags test` needs.
   * Paths that are gone or are not DAG files are skipped.
   */
  async processFiles(paths: readonly string[]): Promise<SyncResult[]> {
    const files = [...new Set(paths.map((path) => resolve(path)))].flatMap((path) => statDagFile(path) ?? []);
    return this.parse(files, this.options.clock ?? systemClock);
  }

  /**
   * Parses as few files as it takes to find `dagId`: the file PostgreSQL says defines it when
   * that file still exists, else the files whose text names the id, else all the rest. An
   * unrelated file that hangs at import is never waited for once the DAG is found.
   */
  async processFilesDefining(dagId: string): Promise<SyncResult[]> {
    const stored = await this.options.db.dag.findUnique({ where: { dagId }, select: { fileloc: true } });
    const parsed: SyncResult[] = [];
    const found = () => parsed.some((p) => p.dagIds.includes(dagId));
    const tried = new Set<string>();
    const attempt = async (paths: readonly string[]) => {
      const fresh = paths.filter((path) => !tried.has(path));
      for (const path of fresh) tried.add(path);
      if (fresh.length > 0) parsed.push(...(await this.processFiles(fresh)));
    };
    if (stored?.fileloc.startsWith(`${this.folder}/`) && statDagFile(stored.fileloc))
      await attempt([stored.fileloc]);
    if (found()) return parsed;
    const files = discoverDagFiles(this.folder).map((f) => f.path);
    await attempt(files.filter((path) => readText(path)?.includes(dagId)));
    if (found()) return parsed;
    await attempt(files);
    return parsed;
  }

  /**
   * Parses the files and stores each as soon as it is parsed (several finished files in one
   * store while the previous store runs), so a file that hangs until its import timeout delays
   * only itself. The stores run one at a time, in path order within each.
   */
  private async parse(files: readonly DagFileStat[], clock: Clock): Promise<SyncResult[]> {
    if (files.length === 0) return [];
    const pass = new PassStore(this.options.db, clock, files, {
      pausedAtCreation: this.options.pausedAtCreation ?? false,
      ...(this.options.alertNames ? { alertNames: this.options.alertNames } : {}),
    });
    if (pass.files.length === 0) return [];
    await parseDagFiles(pass.files, {
      timeoutMs: this.options.importTimeoutMs ?? 30_000,
      concurrency: this.options.concurrency ?? 2,
      onResult: (result) => pass.add(result),
    });
    const synced = await pass.finish();
    for (const sync of synced) {
      const version = pass.versions.get(sync.fileloc);
      if (version !== undefined) this.known.set(sync.fileloc, version);
      if (sync.importError) this.options.logger?.warn({ fileloc: sync.fileloc }, sync.importError);
    }
    for (const [fileloc, warning] of pass.warnings)
      this.options.logger?.warn({ fileloc }, `warning: ${warning}`);
    return synced;
  }
}

/**
 * One pass's stores. A parsed file waits only when storing it now could give a different
 * answer than storing the pass in path order: one of its DAG ids is held by a file still
 * parsing (which may be letting go of it), or appears as a string in the text of a file before
 * it in path order that is still parsing (which may define it too, and would keep it).
 */
/** Parsed files stored together at most (syncDagFiles' transaction size), and how long the first waits. */
const STORE_BATCH = 100;
const STORE_AFTER_MS = 500;

class PassStore {
  readonly files: DagFileStat[] = [];
  readonly versions = new Map<string, string>();
  readonly warnings = new Map<string, string>();
  private readonly sources = new Map<string, string>();
  private readonly parsing = new Set<string>();
  /** The files in path order (syncDagFiles' order), and each file's place in it. */
  private readonly inPathOrder: string[];
  private readonly rank = new Map<string, number>();
  /** No file before this place in path order is still parsing. */
  private firstParsing = 0;
  private waiting: ParsedDagFile[] = [];
  /** Parsed since the last store began; a store begins at STORE_BATCH of them, or STORE_AFTER_MS after the first. */
  private fresh = 0;
  private due = false;
  private timer: NodeJS.Timeout | null = null;
  private storing: Promise<void> | null = null;
  private failure: unknown = null;
  private readonly synced: SyncResult[] = [];

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    files: readonly DagFileStat[],
    private readonly syncOptions: SyncOptions = {},
  ) {
    for (const file of files) {
      const source = readText(file.path);
      if (source === null) continue; // removed meanwhile; the next pass retires it
      this.files.push(file);
      this.sources.set(file.path, source);
      this.versions.set(file.path, file.version);
      this.parsing.add(file.path);
    }
    this.inPathOrder = [...this.parsing].sort((a, b) => a.localeCompare(b));
    for (const [i, path] of this.inPathOrder.entries()) this.rank.set(path, i);
  }

  add(result: ParseResult): void {
    this.parsing.delete(result.file);
    while (this.firstParsing < this.inPathOrder.length) {
      const path = this.inPathOrder[this.firstParsing];
      if (path !== undefined && this.parsing.has(path)) break;
      this.firstParsing++;
    }
    this.waiting.push(this.toParsed(result));
    // Batches keep a full pass at a few statements per hundred files; the timer bounds how long
    // a parsed file waits for its batch.
    if (++this.fresh >= STORE_BATCH) this.due = true;
    else
      this.timer ??= setTimeout(() => {
        this.timer = null;
        this.due = true;
        this.kick();
      }, STORE_AFTER_MS);
    this.kick();
  }

  /** Once every file is parsed: stores what is left and returns every file's result. */
  async finish(): Promise<SyncResult[]> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.due = false;
    while (this.storing) await this.storing;
    if (this.waiting.length > 0 && this.failure === null) await this.store(this.waiting.splice(0));
    if (this.failure !== null) throw this.failure;
    return this.synced;
  }

  private kick(): void {
    if (this.storing || !this.due || this.failure !== null) return;
    this.due = false;
    this.fresh = 0;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.storing = this.storeReady()
      .catch((error: unknown) => {
        this.failure = error;
      })
      .finally(() => {
        this.storing = null;
        this.kick();
      });
  }

  private async storeReady(): Promise<void> {
    const candidates = this.waiting.splice(0);
    const held = await this.heldByParsing(candidates);
    const ready: ParsedDagFile[] = [];
    for (const file of candidates) (this.mustWait(file, held) ? this.waiting : ready).push(file);
    if (ready.length > 0) await this.store(ready);
  }

  private async store(files: readonly ParsedDagFile[]): Promise<void> {
    this.synced.push(...(await syncDagFiles(this.db, files, this.clock, this.syncOptions)));
  }

  private mustWait(file: ParsedDagFile, held: ReadonlySet<string>): boolean {
    if (!file.outcome.ok) return false;
    const ids = file.outcome.dags.map((dag) => dag.dagId);
    if (ids.some((id) => held.has(id))) return true;
    const before = this.rank.get(file.fileloc) ?? 0;
    for (let i = this.firstParsing; i < before; i++) {
      const other = this.inPathOrder[i] ?? '';
      if (!this.parsing.has(other)) continue;
      const text = this.sources.get(other) ?? '';
      if (ids.some((id) => [`'${id}'`, `"${id}"`, `\`${id}\``].some((literal) => text.includes(literal))))
        return true;
    }
    return false;
  }

  /** DAG ids of these files that a file still parsing holds, active, in PostgreSQL. */
  private async heldByParsing(files: readonly ParsedDagFile[]): Promise<Set<string>> {
    const ids = files.flatMap(({ outcome }) => (outcome.ok ? outcome.dags.map((dag) => dag.dagId) : []));
    if (ids.length === 0 || this.parsing.size === 0) return new Set();
    const rows = await this.db.dag.findMany({
      where: { dagId: { in: ids }, isActive: true },
      select: { dagId: true, fileloc: true },
    });
    return new Set(rows.filter((row) => this.parsing.has(row.fileloc)).map((row) => row.dagId));
  }

  private toParsed(result: ParseResult): ParsedDagFile {
    const source = this.sources.get(result.file) ?? '';
    if (!result.ok)
      return {
        fileloc: result.file,
        source,
        outcome: {
          ok: false,
          message: result.message,
          stack: result.stack,
          location: result.location
            ? `${displayPath(result.file)}:${result.location.line}:${result.location.column}`
            : null,
        },
      };
    const warning = unexportedWarning(displayPath(result.file), result.unexportedDagIds);
    if (warning) this.warnings.set(result.file, warning);
    return { fileloc: result.file, source, outcome: { ok: true, dags: result.dags, warning } };
  }
}

function unexportedWarning(file: string, dagIds: readonly string[]): string | null {
  if (dagIds.length === 0) return null;
  const names = dagIds.map((id) => `"${id}"`).join(', ');
  return dagIds.length === 1
    ? `${file} creates DAG ${names} but does not export it; add \`export default\``
    : `${file} creates DAGs ${names} but does not export them; export each (\`export default [a, b]\` or named exports)`;
}

/** A DAG file as a user names it: relative to the working directory when inside it. */
function displayPath(file: string): string {
  const relativePath = relative(process.cwd(), file);
  return relativePath.startsWith('..') || isAbsolute(relativePath) ? file : relativePath;
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** Re-parses changed files every `intervalMs` until stopped. */
export function runDagProcessorLoop(processor: DagProcessor, intervalMs: number, logger?: Logger): Periodic {
  return runPeriodically(async () => {
    try {
      const report = await processor.processOnce();
      if (report.parsed.length || report.removed.length) {
        const ms = Math.round(report.durationMs);
        logger?.info(
          { parsed: report.parsed.length, removed: report.removed.length, ms },
          'DAG files processed',
        );
      }
    } catch (error) {
      logger?.error({ err: error }, 'DAG processing pass failed; retrying');
    }
  }, intervalMs);
}
