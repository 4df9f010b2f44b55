// Owns the frame of every signed-in page: the navigation, who is signed in with which role, and
// sign-out. A request without a valid session goes to /login first.
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
          <Link href="/runs">Runs</Link>
          <Link href="/task-instances">Task instances</Link>
          <Link href="/deadline-misses">Deadline misses</Link>
          <Link href="/alerts">Alerts</Link>
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
