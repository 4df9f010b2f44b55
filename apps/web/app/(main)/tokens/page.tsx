// Owns the API tokens page: your own tokens (an admin: everyone's, or one user's with ?user=),
// never the token itself, only its first characters; create one (shown once) and revoke.
import { can, ROLES, roleAtMost } from '@weir/auth';
import Link from 'next/link';
import { ActionError, ConfirmButton } from '../../../components/admin-form.tsx';
import { requirePage } from '../../../lib/auth.ts';
import { ago, instant } from '../../../lib/format.ts';
import { services } from '../../../lib/services.ts';
import { revokeTokenAction } from './actions.ts';
import { TokenForm } from './token-form.tsx';

export const dynamic = 'force-dynamic';

export default async function TokensPage({
  searchParams,
}: {
  searchParams: Promise<{ user?: string; error?: string }>;
}) {
  const principal = await requirePage();
  const { user, error } = await searchParams;
  const admin = can(principal.role, 'token.manage');
  const { users, tokens } = services();
  const owner = admin && user ? await users.get(user) : null;
  const list = await tokens.list(admin ? owner?.id : principal.userId);
  const everyone = admin ? (await users.list()).filter((u) => u.isActive).map((u) => u.username) : [];
  const now = new Date();
  return (
    <>
      <div className="title-row">
        <h1>API tokens</h1>
        <span className="muted small">
          {admin ? (owner ? `${owner.username}'s tokens` : "everyone's tokens") : 'your tokens'} · send as{' '}
          <code>Authorization: Bearer …</code>
        </span>
      </div>
      <ActionError error={error} />
      {admin && owner ? (
        <p className="small">
          <Link href="/tokens">← every user's tokens</Link>
        </p>
      ) : null}
      <section className="panel" aria-label="New token">
        <h2 className="panel-title">New token</h2>
        <TokenForm
          roles={ROLES.filter((r) => roleAtMost(r, principal.role))}
          users={everyone}
          me={principal.username}
        />
      </section>
      {list.length === 0 ? (
        <p className="muted">No tokens yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>token</th>
              {admin ? <th>user</th> : null}
              <th>role</th>
              <th>created</th>
              <th>last used</th>
              <th>expires</th>
              <th>status</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.map((t) => {
              const expired = t.expiresAt !== null && t.expiresAt.getTime() <= now.getTime();
              const status = t.revokedAt ? 'revoked' : expired ? 'expired' : 'active';
              return (
                <tr key={t.id} className={status === 'active' ? undefined : 'inactive'}>
                  <td>
                    <strong>{t.name}</strong>
                    <div className="muted small">
                      <code>{t.prefix}…</code> · #{t.id}
                    </div>
                  </td>
                  {admin ? (
                    <td>
                      <Link href={`/tokens?user=${encodeURIComponent(t.username)}`}>{t.username}</Link>
                    </td>
                  ) : null}
                  <td>{t.role}</td>
                  <td title={instant(t.createdAt)}>
                    {ago(t.createdAt, now)}
                    {t.createdBy && t.createdBy !== t.username ? (
                      <div className="muted small">by {t.createdBy}</div>
                    ) : null}
                  </td>
                  <td title={instant(t.lastUsedAt)}>
                    {t.lastUsedAt ? ago(t.lastUsedAt, now) : <span className="muted">never</span>}
                  </td>
                  <td title={instant(t.expiresAt)}>
                    {t.expiresAt ? ago(t.expiresAt, now) : <span className="muted">never</span>}
                  </td>
                  <td className={status === 'active' ? 'ok' : 'muted'}>{status}</td>
                  <td>
                    {status === 'revoked' ? null : (
                      <ConfirmButton
                        action={revokeTokenAction}
                        fields={{ id: String(t.id) }}
                        label="Revoke"
                        ariaLabel={`Revoke ${t.name} (#${t.id})`}
                        question={`Revoke token ${t.name} of ${t.username}? Whatever uses it stops working at once.`}
                      />
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </>
  );
}
