// Owns the sign-in page.
import { LoginForm } from './login-form.tsx';

export const dynamic = 'force-dynamic';

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const { next } = await searchParams;
  return (
    <main className="login">
      <h1>Weir</h1>
      <p className="muted">Sign in to see and run your DAGs.</p>
      <LoginForm next={next ?? '/'} />
    </main>
  );
}
