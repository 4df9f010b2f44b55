// Owns /dags/{dagId}/code: the DAG file's source as each version kept it (the newest, a chosen
// `?version=`, or the one a run used, `?run=`), the list of versions with the runs and tries
// that used each, and a coloured line diff between two versions (`?compare=` the older one).
import { dagVersion, dagVersionOfRun, EngineError, listDagVersions } from '@weir/engine';
import Link from 'next/link';
import { loadDagView } from '../../../../../lib/dag-view.ts';
import { instant } from '../../../../../lib/format.ts';
import { lineDiff } from '../../../../../lib/line-diff.ts';
import { services } from '../../../../../lib/services.ts';
import { DagViewHeader } from '../dag-view-header.tsx';

export const dynamic = 'force-dynamic';

const whole = (text: string | undefined) => (text && /^\d+$/.test(text) ? Number(text) : undefined);

export default async function DagCodePage({
  params,
  searchParams,
}: {
  params: Promise<{ dagId: string }>;
  searchParams: Promise<{ version?: string; compare?: string; run?: string }>;
}) {
  const { dagId, stored } = await loadDagView(params);
  const query = await searchParams;
  const { db } = services();
  const versions = await listDagVersions(db, dagId);
  const base = `/dags/${encodeURIComponent(dagId)}/code`;
  let runNote: string | null = null;
  let selected = whole(query.version);
  if (query.run) {
    try {
      const used = await dagVersionOfRun(db, dagId, query.run);
      if (used === null)
        runNote = `Run ${query.run} was created before versions were kept; showing the newest.`;
      else {
        selected = used;
        runNote = `Run ${query.run} used version ${used}.`;
      }
    } catch (error) {
      if (!(error instanceof EngineError)) throw error;
      runNote = error.message;
    }
  }
  if (selected !== undefined && !versions.some((v) => v.versionNumber === selected)) selected = undefined;
  const shown = selected === undefined ? null : await dagVersion(db, dagId, selected).catch(() => null);
  const current = shown ?? (versions.length > 0 ? await dagVersion(db, dagId) : null);
  const compareNumber = whole(query.compare);
  const older =
    compareNumber !== undefined && current && compareNumber !== current.versionNumber
      ? await dagVersion(db, dagId, compareNumber).catch(() => null)
      : null;
  const diff = older && current ? lineDiff(older.source ?? '', current.source ?? '') : null;
  const link = (version: number, compare?: number) =>
    `${base}?version=${version}${compare !== undefined ? `&compare=${compare}` : ''}`;
  const previous = current
    ? versions.find((v) => v.versionNumber < current.versionNumber)?.versionNumber
    : undefined;
  return (
    <>
      <DagViewHeader dagId={dagId} current="code" isPaused={stored.isPaused} />
      {runNote ? (
        <p className="banner ok-banner" role="status">
          {runNote}
        </p>
      ) : null}
      {current === null ? (
        <p className="muted">No version of this DAG was kept yet.</p>
      ) : (
        <div className="code-layout">
          <section aria-labelledby="source-heading" className="code-main">
            <div className="title-row">
              <h2 id="source-heading">
                <code>{current.fileloc}</code>{' '}
                <span className="muted small">
                  version {current.versionNumber}
                  {older ? ` compared with version ${older.versionNumber}` : ''}
                </span>
              </h2>
              <div className="actions">
                {older ? (
                  <Link href={link(current.versionNumber)} className="button-link">
                    Show source
                  </Link>
                ) : previous !== undefined ? (
                  <Link href={link(current.versionNumber, previous)} className="button-link">
                    Diff with version {previous}
                  </Link>
                ) : null}
              </div>
            </div>
            {diff ? (
              <DiffView
                diff={diff}
                oldVersion={older?.versionNumber ?? 0}
                newVersion={current.versionNumber}
              />
            ) : current.source === null ? (
              <p className="muted">This version was stored without its file's source.</p>
            ) : (
              <SourceView source={current.source} />
            )}
          </section>
          <aside aria-labelledby="versions-heading" className="code-versions">
            <h2 id="versions-heading">Versions</h2>
            <table>
              <thead>
                <tr>
                  <th>version</th>
                  <th>kept</th>
                  <th>runs</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {versions.map((v) => (
                  <tr
                    key={v.versionNumber}
                    className={v.versionNumber === current.versionNumber ? 'picked' : undefined}
                  >
                    <td>
                      <Link href={link(v.versionNumber)}>v{v.versionNumber}</Link>
                      {v.current ? <span className="state success small-state">current</span> : null}
                    </td>
                    <td className="small nowrap">{instant(v.createdAt).slice(0, 16)}</td>
                    <td>{v.runs}</td>
                    <td>
                      {v.versionNumber !== current.versionNumber ? (
                        <Link
                          href={link(
                            Math.max(v.versionNumber, current.versionNumber),
                            Math.min(v.versionNumber, current.versionNumber),
                          )}
                          className="small"
                        >
                          diff
                        </Link>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </aside>
        </div>
      )}
    </>
  );
}

function SourceView({ source }: { readonly source: string }) {
  const lines = source.replace(/\n$/, '').split('\n');
  return (
    <section aria-label="source">
      <pre className="code-view">
        {lines.map((line, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: lines of a fixed text
          <span key={i} className="code-line">
            <span className="ln">{i + 1}</span>
            {line}
            {'\n'}
          </span>
        ))}
      </pre>
    </section>
  );
}

function DiffView({
  diff,
  oldVersion,
  newVersion,
}: {
  readonly diff: ReturnType<typeof lineDiff>;
  readonly oldVersion: number;
  readonly newVersion: number;
}) {
  if (diff.hunks.length === 0)
    return (
      <p className="muted">
        Versions {oldVersion} and {newVersion} have the same source (their definitions differ in what the file
        imports or computes).
      </p>
    );
  return (
    <>
      <p className="small">
        <span className="diff-added">+{diff.added}</span>{' '}
        <span className="diff-removed">−{diff.removed}</span>{' '}
        <span className="muted">
          lines from version {oldVersion} to {newVersion}
        </span>
      </p>
      <section aria-label="diff">
        <pre className="code-view diff-view">
          {diff.hunks.map((h) => (
            <span key={h.header} className="diff-hunk">
              <span className="code-line hunk-header">
                <span className="ln" />
                <span className="ln" />
                {h.header}
                {'\n'}
              </span>
              {h.lines.map((l, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: lines of a fixed hunk
                <span key={i} className={`code-line diff-${l.kind}`}>
                  <span className="ln">{l.oldLine ?? ''}</span>
                  <span className="ln">{l.newLine ?? ''}</span>
                  <span className="mark">{l.kind === 'add' ? '+' : l.kind === 'del' ? '−' : ' '}</span>
                  {l.text}
                  {'\n'}
                </span>
              ))}
            </span>
          ))}
        </pre>
      </section>
    </>
  );
}
