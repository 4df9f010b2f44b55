// Owns the Pools page: each pool's slots as a usage bar (running, queued, open) for every role;
// admins also create, resize and delete pools.
import { can } from '@weir/auth';
import { listPools, type PoolDetailView } from '@weir/engine';
import { ActionError, ConfirmButton } from '../../../components/admin-form.tsx';
import { requirePage } from '../../../lib/auth.ts';
import { services } from '../../../lib/services.ts';
import { deletePoolAction } from './actions.ts';
import { NewPoolForm, ResizePoolForm } from './pool-forms.tsx';

export const dynamic = 'force-dynamic';

export default async function PoolsPage({ searchParams }: { searchParams: Promise<{ error?: string }> }) {
  const { error } = await searchParams;
  const principal = await requirePage();
  const manage = can(principal.role, 'pool.manage');
  const pools = await listPools(services().db);
  return (
    <>
      <div className="title-row">
        <h1>Pools</h1>
        <span className="muted small">
          A pool caps how many tasks naming it run at once (pool slots per task).
        </span>
      </div>
      <ActionError error={error} />
      <table className="pools">
        <thead>
          <tr>
            <th>pool</th>
            <th className="usage-col">usage</th>
            <th>slots</th>
            <th>description</th>
            {manage ? <th /> : null}
          </tr>
        </thead>
        <tbody>
          {pools.map((p) => (
            <tr key={p.name}>
              <td>
                <code>{p.name}</code>
              </td>
              <td>
                <UsageBar pool={p} />
              </td>
              <td>{manage ? <ResizePoolForm name={p.name} slots={p.slots} /> : p.slots}</td>
              <td>{p.description ?? <span className="muted">–</span>}</td>
              {manage ? (
                <td>
                  {p.name === 'default' ? null : (
                    <ConfirmButton
                      action={deletePoolAction}
                      fields={{ name: p.name }}
                      label="Delete"
                      ariaLabel={`Delete pool ${p.name}`}
                      question={`Delete pool ${p.name}? Tasks naming it will not be scheduled until it exists again.`}
                    />
                  )}
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
      {manage ? (
        <section className="panel" aria-label="New pool">
          <h2 className="panel-title">New pool</h2>
          <NewPoolForm />
        </section>
      ) : null}
    </>
  );
}

/** Running, then queued, then open slots, as shares of the pool; more used than slots shows as full and says so. */
function UsageBar({ pool }: { readonly pool: PoolDetailView }) {
  const open = Math.max(0, pool.slots - pool.used);
  const total = Math.max(pool.slots, pool.used, 1);
  const pct = (n: number) => `${(n / total) * 100}%`;
  const over = pool.used > pool.slots;
  const label = `${pool.running} running, ${pool.queued} queued, ${open} open of ${pool.slots} slots`;
  return (
    <div className="usage">
      {/* biome-ignore lint/a11y/useSemanticElements: a stacked bar (running, then queued) that <meter> cannot draw */}
      <div
        className={`usage-bar${over ? ' over' : open === 0 && pool.slots > 0 ? ' full' : ''}`}
        role="meter"
        aria-label={`usage of ${pool.name}`}
        aria-valuemin={0}
        aria-valuemax={pool.slots}
        aria-valuenow={Math.min(pool.used, pool.slots)}
        aria-valuetext={label}
        title={label}
      >
        <span className="usage-running" style={{ width: pct(pool.running) }} />
        <span className="usage-queued" style={{ width: pct(pool.queued) }} />
      </div>
      <div className="usage-legend small">
        <span>
          <i className="dot usage-running" /> {pool.running} running
        </span>
        <span>
          <i className="dot usage-queued" /> {pool.queued} queued
        </span>
        <span className={open === 0 ? 'warn' : 'muted'}>{open} open</span>
        {over ? <span className="bad">{pool.used - pool.slots} over (resized below use)</span> : null}
      </div>
    </div>
  );
}
