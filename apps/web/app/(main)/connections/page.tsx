// Owns the Connections page (admins, as the REST API's list): every connection with its host and
// login; a password or extra reads "••• (set)" and is never sent to the browser, not even to an
// admin. Admins create, edit (?edit=<id>) and delete.
import { can } from '@weir/auth';
import Link from 'next/link';
import { ActionError, ConfirmButton } from '../../../components/admin-form.tsx';
import { requirePage } from '../../../lib/auth.ts';
import { connectionStore } from '../../../lib/connection-store.ts';
import { deleteConnectionAction } from './actions.ts';
import { ConnectionForm } from './connection-form.tsx';

export const dynamic = 'force-dynamic';

export default async function ConnectionsPage({
  searchParams,
}: {
  searchParams: Promise<{ edit?: string; error?: string }>;
}) {
  const principal = await requirePage();
  if (!can(principal.role, 'secret.manage'))
    return (
      <>
        <h1>Connections</h1>
        <p className="banner warn-banner">Only admins see connections: ask an admin.</p>
      </>
    );
  const { edit, error } = await searchParams;
  const connections = await connectionStore().list();
  const editing = edit ? connections.find((c) => c.id === edit) : undefined;
  return (
    <>
      <div className="title-row">
        <h1>Connections</h1>
        <span className="muted small">
          Tasks read them with ctx.connection(id); WEIR_CONN_&lt;ID&gt; wins.
        </span>
      </div>
      <ActionError error={error} />
      <section className="panel" aria-label={editing ? `Edit ${editing.id}` : 'New connection'}>
        <h2 className="panel-title">{editing ? `Edit ${editing.id}` : 'New connection'}</h2>
        <ConnectionForm key={editing?.id ?? 'new'} {...(editing ? { editing } : {})} />
      </section>
      {connections.length === 0 ? (
        <p className="muted">No connections yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>id</th>
              <th>type</th>
              <th>host</th>
              <th>login</th>
              <th>schema</th>
              <th>password</th>
              <th>extra</th>
              <th>description</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {connections.map((c) => (
              <tr key={c.id} className={editing?.id === c.id ? 'current' : undefined}>
                <td>
                  <code>{c.id}</code>
                </td>
                <td>{c.type}</td>
                <td>
                  {c.host ?? <span className="muted">–</span>}
                  {c.port !== null ? <span className="muted">:{c.port}</span> : null}
                </td>
                <td>{c.login ?? <span className="muted">–</span>}</td>
                <td>{c.schema ?? <span className="muted">–</span>}</td>
                <td>
                  {c.hasPassword ? (
                    <span className="secret-set">••• (set)</span>
                  ) : (
                    <span className="muted">none</span>
                  )}
                </td>
                <td>
                  {c.hasExtra ? (
                    <span className="secret-set">••• (set)</span>
                  ) : (
                    <span className="muted">none</span>
                  )}
                </td>
                <td>{c.description ?? <span className="muted">–</span>}</td>
                <td>
                  <div className="actions">
                    <Link
                      href={`/connections?edit=${encodeURIComponent(c.id)}`}
                      className="small"
                      aria-label={`Edit ${c.id}`}
                    >
                      Edit
                    </Link>
                    <ConfirmButton
                      action={deleteConnectionAction}
                      fields={{ id: c.id }}
                      label="Delete"
                      ariaLabel={`Delete ${c.id}`}
                      question={`Delete connection ${c.id}? Tasks using it will fail.`}
                    />
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
