// Owns the Variables page: every variable with its value, or "••• (set)" for a secret (a key
// naming a secret), for every role; admins also create, edit (?edit=<key>) and delete.
import { can } from '@weir/auth';
import { listVariables } from '@weir/engine';
import Link from 'next/link';
import { ActionError, ConfirmButton } from '../../../components/admin-form.tsx';
import { requirePage } from '../../../lib/auth.ts';
import { ago, instant } from '../../../lib/format.ts';
import { isSecretVariable } from '../../../lib/secret-view.ts';
import { services } from '../../../lib/services.ts';
import { deleteVariableAction } from './actions.ts';
import { VariableForm } from './variable-form.tsx';

export const dynamic = 'force-dynamic';

export default async function VariablesPage({
  searchParams,
}: {
  searchParams: Promise<{ edit?: string; error?: string }>;
}) {
  const principal = await requirePage();
  const { edit, error } = await searchParams;
  const manage = can(principal.role, 'secret.manage');
  const variables = await listVariables(services().db);
  const editing = manage && edit ? variables.find((v) => v.key === edit) : undefined;
  const now = new Date();
  return (
    <>
      <div className="title-row">
        <h1>Variables</h1>
        <span className="muted small">
          Tasks read them with ctx.variable(key); WEIR_VAR_&lt;KEY&gt; wins.
        </span>
      </div>
      <ActionError error={error} />
      {manage ? (
        <section className="panel" aria-label={editing ? `Edit ${editing.key}` : 'New variable'}>
          <h2 className="panel-title">{editing ? `Edit ${editing.key}` : 'New variable'}</h2>
          <VariableForm
            key={editing?.key ?? 'new'}
            {...(editing
              ? {
                  editing: {
                    key: editing.key,
                    value: isSecretVariable(editing.key) ? null : JSON.stringify(editing.value),
                    description: editing.description,
                  },
                }
              : {})}
          />
        </section>
      ) : null}
      {variables.length === 0 ? (
        <p className="muted">No variables yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>key</th>
              <th>value</th>
              <th>description</th>
              <th>updated</th>
              {manage ? <th /> : null}
            </tr>
          </thead>
          <tbody>
            {variables.map((v) => {
              const secret = isSecretVariable(v.key);
              return (
                <tr key={v.key} className={editing?.key === v.key ? 'current' : undefined}>
                  <td>
                    <code>{v.key}</code>
                  </td>
                  <td>
                    {secret ? (
                      <span className="secret-set" title="secret: write-only, never shown again">
                        ••• (set)
                      </span>
                    ) : (
                      <code className="value">{JSON.stringify(v.value)}</code>
                    )}
                  </td>
                  <td>{v.description ?? <span className="muted">–</span>}</td>
                  <td title={instant(v.updatedAt)}>{ago(v.updatedAt, now)}</td>
                  {manage ? (
                    <td>
                      <div className="actions">
                        <Link
                          href={`/variables?edit=${encodeURIComponent(v.key)}`}
                          className="small"
                          aria-label={`Edit ${v.key}`}
                        >
                          Edit
                        </Link>
                        <ConfirmButton
                          action={deleteVariableAction}
                          fields={{ key: v.key }}
                          label="Delete"
                          ariaLabel={`Delete ${v.key}`}
                          question={`Delete variable ${v.key}? Tasks reading it will fail.`}
                        />
                      </div>
                    </td>
                  ) : null}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </>
  );
}
