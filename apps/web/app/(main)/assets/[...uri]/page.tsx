// Owns one asset's page: its lineage graph (producing tasks → asset → consuming DAGs) and its
// recent events, each with the task instance that produced it and the runs it triggered.
import { EngineError, getAsset, listAssetEvents } from '@weir/engine';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { requirePage } from '../../../../lib/auth.ts';
import { ago, instant } from '../../../../lib/format.ts';
import { services } from '../../../../lib/services.ts';
import { assetUriOf } from '../asset-link.ts';
import { LineageGraph } from './lineage-graph.tsx';

export const dynamic = 'force-dynamic';

const EVENTS = 50;

const runHref = (dagId: string, runId: string) =>
  `/dags/${encodeURIComponent(dagId)}/runs/${encodeURIComponent(runId)}`;

export default async function AssetPage({ params }: { params: Promise<{ uri: string[] }> }) {
  await requirePage();
  const uri = assetUriOf((await params).uri);
  const { sql } = services();
  let asset: Awaited<ReturnType<typeof getAsset>>;
  try {
    asset = await getAsset(sql, uri);
  } catch (error) {
    if (error instanceof EngineError && error.code === 'ASSET_NOT_FOUND') notFound();
    throw error;
  }
  const events = await listAssetEvents(sql, uri, EVENTS);
  const now = new Date();
  return (
    <>
      <p className="crumbs">
        <Link href="/assets">Assets</Link> /
      </p>
      <h1>{asset.name}</h1>
      <p className="muted asset-meta">
        <code>{asset.uri}</code>
        {asset.group !== 'asset' ? ` · group ${asset.group}` : ''} · {asset.events} event
        {asset.events === 1 ? '' : 's'}
        {asset.lastEventAt ? `, the latest ${ago(asset.lastEventAt, now)}` : ', none yet'}
      </p>
      <h2>Lineage</h2>
      <LineageGraph
        asset={{ uri: asset.uri, name: asset.name }}
        producers={[...asset.producers]}
        consumers={[...asset.consumers]}
      />
      <h2>Recent events</h2>
      {events.length === 0 ? (
        <p className="muted">
          No events yet. A producing task records one when it succeeds; an operator can record one with POST
          /api/v1/assets/events or weir assets touch.
        </p>
      ) : (
        <table aria-label="asset events">
          <thead>
            <tr>
              <th>#</th>
              <th>when</th>
              <th>source</th>
              <th>extra</th>
              <th>triggered</th>
            </tr>
          </thead>
          <tbody>
            {events.map((e) => (
              <tr key={e.id}>
                <td>{e.id}</td>
                <td title={instant(e.timestamp)} className="nowrap">
                  {ago(e.timestamp, now)}
                </td>
                <td>
                  {e.source ? (
                    <>
                      <Link href={runHref(e.source.dagId, e.source.runId)}>
                        {e.source.dagId} / {e.source.runId}
                      </Link>
                      <div className="small">
                        task{' '}
                        <Link
                          href={`${runHref(e.source.dagId, e.source.runId)}/tasks/${encodeURIComponent(e.source.taskId)}${e.source.mapIndex >= 0 ? `?mapIndex=${e.source.mapIndex}` : ''}`}
                        >
                          {e.source.taskId}
                          {e.source.mapIndex >= 0 ? ` [${e.source.mapIndex}]` : ''}
                        </Link>
                      </div>
                    </>
                  ) : (
                    <span className="muted">external (API or CLI)</span>
                  )}
                </td>
                <td>
                  {Object.keys(e.extra).length === 0 ? (
                    <span className="muted">–</span>
                  ) : (
                    <code className="small">{JSON.stringify(e.extra)}</code>
                  )}
                </td>
                <td>
                  {e.consumedBy.length === 0 ? (
                    <span className="muted">no run yet</span>
                  ) : (
                    <ul className="plain">
                      {e.consumedBy.map((c) => (
                        <li key={`${c.dagId}/${c.runId}`}>
                          <Link href={runHref(c.dagId, c.runId)}>
                            {c.dagId} / {c.runId}
                          </Link>
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
