// Owns keeping PostgreSQL in step with the DAGs folder: parses new and changed files in child
// processes (with a timeout), writes serialized DAGs and import errors, and retires the DAGs of
// files that disappeared. The scheduler loop never imports DAG files; this does, out of process.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Logger } from '@weir/config';
import { type DagFileStat, discoverDagFiles, parseDagFiles } from '@weir/dag-loader';
import type { Db } from '@weir/db';
import {
  type Clock,
  type ParsedDagFile,
  removeDagFile,
  type SyncResult,
  syncDagFiles,
  systemClock,
} from '@weir/engine';
import { type Periodic, runPeriodically } from './periodic.ts';

export interface DagProcessorOptions {
  readonly db: Db;
  readonly folder: string;
  readonly clock?: Clock;
  /** Per file. Default 30 s. */
  readonly importTimeoutMs?: number;
  readonly concurrency?: number;
  readonly logger?: Logger;
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

  private async parse(files: readonly DagFileStat[], clock: Clock): Promise<SyncResult[]> {
    if (files.length === 0) return [];
    const results = await parseDagFiles(files, {
      timeoutMs: this.options.importTimeoutMs ?? 30_000,
      concurrency: this.options.concurrency ?? 2,
    });
    const parsed: ParsedDagFile[] = [];
    for (const result of results) {
      let source = '';
      try {
        source = readFileSync(result.file, 'utf8');
      } catch {
        continue; // removed meanwhile; the next pass retires it
      }
      const outcome = result.ok
        ? { ok: true as const, dags: result.dags }
        : { ok: false as const, message: result.message, stack: result.stack };
      parsed.push({ fileloc: result.file, source, outcome });
    }
    // One store for the whole pass: a few statements per few hundred files, not ten per file.
    const synced = await syncDagFiles(this.options.db, parsed, clock);
    const versions = new Map(files.map((f) => [f.path, f.version]));
    for (const sync of synced) {
      const version = versions.get(sync.fileloc);
      if (version !== undefined) this.known.set(sync.fileloc, version);
      if (sync.importError) this.options.logger?.warn({ fileloc: sync.fileloc }, sync.importError);
    }
    return synced;
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
