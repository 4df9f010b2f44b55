// Owns the frame of every signed-in page: the navigation, who is signed in with which role, and
// sign-out. A request without a valid session goes to /login first.
import { can } from '@weir/auth';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { LiveRefresh } from '../../components/live-refresh.tsx';
import { requirePage } from '../../lib/auth.ts';
import { logout } from '../login/actions.ts';

export const dynamic = 'force-dynamic';

export default async function MainLayout({ children }: { readonly children: ReactNode }) {
  const principal = await requirePage();
  return (
    <>
      <header className="top">
        <nav>
          <Link href="/" className="brand">
            Weir
          </Link>
          <Link href="/">Dashboard</Link>
          <Link href="/dags">DAGs</Link>
          <Link href="/assets">Assets</Link>
          <Link href="/runs">Runs</Link>
          <Link href="/task-instances">Tasks</Link>
          <Link href="/deadline-misses">Deadlines</Link>
          <Link href="/alerts">Alerts</Link>
          {/* Operations and access: connections and users only for the roles that manage them. */}
          <span className="nav-sep" aria-hidden="true" />
          <Link href="/pools">Pools</Link>
          <Link href="/variables">Variables</Link>
          {can(principal.role, 'secret.manage') ? <Link href="/connections">Connections</Link> : null}
          {can(principal.role, 'user.manage') ? <Link href="/users">Users</Link> : null}
          <Link href="/tokens">Tokens</Link>
          <Link href="/audit">Audit</Link>
        </nav>
        <form action={logout} className="who">
          <LiveRefresh />
          <span>
            {principal.username} <span className="role">{principal.role}</span>
          </span>
          <button type="submit" className="link">
            Sign out
          </button>
        </form>
      </header>
      <main className="wide">{children}</main>
    </>
  );
}
