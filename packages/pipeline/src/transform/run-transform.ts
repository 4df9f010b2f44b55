// Owns one run of the incremental transform (what `transform_events` calls): raw zone → curated
// Parquet, committed by one manifest write. The design:
//
// CONTRACT. The curated tables are a pure function of the SET of valid events in the raw zone
// (and of the profile snapshots): arrival order, duplicate copies and how parts were batched
// into runs never change them, and a run with nothing new changes nothing.
//
// STATE (all in the lake, under curated/, referenced from curated/_manifest.json):
//   events/dt=…/hour=HH          the deduplicated, enriched events of one client_ts hour
//   event_counts_1m/dt=…/hour=HH  tumble counts of windows starting in that hour
//   active_users_5m/dt=…/hour=HH  hop windows starting in that hour
//   sessions/bucket=NN           every session of the users hashed to bucket NN (md5, 16 buckets)
//   user_profiles                the effective profiles (latest snapshot row per user)
//   _index/event_ids/v-N         per run, the ordering key (server_ts, ingested_at, content hash)
//                                of each event_id's winning copy; compacted past 16 parts
// Every object is written under a new versioned key (v-<run seq>); the manifest, written last,
// says which raw parts and snapshots are folded in and which object is each partition. A run
// that dies before the manifest leaves unreferenced objects only, and the next run redoes it.
//
// A RUN, with the new raw parts (listed, minus the manifest's) and new snapshots:
//  1. dedup (step-dedup): best copy per event_id among the new parts, compared with the index's
//     winner: `winners` are new events or better copies; `replaced` the copies they beat.
//     Dedup is across all time: the index holds every event_id ever seen.
//  2. profiles (step-profiles): latest row per user over all snapshots; `p_users` = changed plans.
//  3. sessions (step-sessions): the old sessions of users with winners (their buckets) merged
//     with the winners by the 30-minute gap rule; exact for any arrival order (see there).
//  4. hours to rewrite: client_ts hours of winners and replaced copies (the SET changed: CH),
//     plus the hours spanned by old sessions merged into one that starts earlier (their events'
//     weir_session_id changes; a session growing forward keeps its id), plus the hours spanned
//     by the sessions of users whose plan changed. A late event therefore rewrites its hour and
//     the hours of the sessions it renames, not the history.
//  5. events (step-events): per rewritten hour, old rows − ids with a new winner + winners;
//     plan and weir_session_id recomputed for touched users only.
//  6. windows (step-windows): counts for CH; hop windows for CH and the hour before each.
//  7. write Parquet (one COPY per table, PARTITION_BY), upload, write the manifest, delete the
//     objects it no longer references.
// Runs must not overlap (the DAG runs one at a time). If they do, each writes objects under its
// own keys and checks the manifest before committing: the later one fails with LAKE_CONFLICT
// and leaves nothing. Within a process the check and the write are one step (a lock per lake);
// across processes it is a check-then-write, which the DAG's maxActiveRuns: 1 makes moot.
import { randomUUID } from 'node:crypto';
import { listProfileSnapshots } from '../lake/profiles.ts';
import { listRawParts } from '../lake/raw.ts';
import { LakeError, type LakeStore } from '../lake/store.ts';
import { openDuckSession, type StatementTimer } from './duck.ts';
import { readManifest, writeManifest } from './manifest.ts';
import { transformSteps } from './run-steps.ts';

/** The commit step of each lake (by its description), one at a time in this process. */
const commitLocks = new Map<string, Promise<unknown>>();

async function underCommitLock<T>(store: LakeStore, work: () => Promise<T>): Promise<T> {
  const key = store.describe('');
  const before = commitLocks.get(key) ?? Promise.resolve();
  const mine = before.then(work, work);
  commitLocks.set(
    key,
    mine.catch(() => undefined),
  );
  return mine;
}

export interface TransformResult {
  /** The manifest's run number after this run (unchanged when there was nothing new). */
  readonly seq: number;
  readonly newRawParts: number;
  readonly newSnapshots: number;
  /** Event copies that won (new events, or earlier copies of known ones). */
  readonly newEvents: number;
  /** Partition ids this run rewrote, for the loader (sorted). */
  readonly touched: string[];
}

export interface TransformOptions {
  /** The run's time (loaded_at of the events it curates first); default now. */
  readonly now?: Date;
  /** Called with each SQL statement and its time in ms (for benchmarks and slow-run hunting). */
  readonly onStatement?: StatementTimer;
}

export async function runTransform(
  store: LakeStore,
  options: TransformOptions = {},
): Promise<TransformResult> {
  const manifest = await readManifest(store);
  const done = new Set(manifest.rawParts);
  const newParts = (await listRawParts(store)).filter((key) => !done.has(key));
  const snapshots = await listProfileSnapshots(store);
  const knownSnapshots = new Set(manifest.snapshots);
  const newSnapshots = snapshots.filter((key) => !knownSnapshots.has(key));
  if (newParts.length === 0 && newSnapshots.length === 0) {
    return { seq: manifest.seq, newRawParts: 0, newSnapshots: 0, newEvents: 0, touched: [] };
  }

  const duck = await openDuckSession(options.onStatement);
  try {
    const outcome = await transformSteps({
      duck,
      store,
      manifest,
      newParts,
      snapshots: newSnapshots.length > 0 ? snapshots : undefined,
      now: options.now ?? new Date(),
      run: randomUUID().slice(0, 8),
    });
    // Another run committed since this one read the manifest: this run's work is based on a
    // stale state, so it must not commit (its objects have their own keys; drop them). The check
    // and the write hold the lake's commit lock, so two runs in one process never both commit.
    const committed = await underCommitLock(store, async () => {
      if ((await readManifest(store)).seq !== manifest.seq) return false;
      await writeManifest(store, outcome.manifest);
      return true;
    });
    if (!committed) {
      await outcome.abandon();
      throw new LakeError(
        'LAKE_CONFLICT',
        'transform: another transform run committed while this one ran; run it again (runs must not overlap: the transform DAG runs one at a time)',
      );
    }
    await outcome.cleanUp();
    return {
      seq: outcome.manifest.seq,
      newRawParts: newParts.length,
      newSnapshots: newSnapshots.length,
      newEvents: outcome.newEvents,
      touched: outcome.touched,
    };
  } finally {
    await duck.close();
  }
}
