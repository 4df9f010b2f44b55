'use client';
// Owns the sign-in form: it keeps the username and shows the server's answer in place.
import { useActionState } from 'react';
import { type LoginState, login } from './actions.ts';

export function LoginForm({ next }: { readonly next: string }) {
  const [state, action, pending] = useActionState<LoginState, FormData>(login, {});
  return (
    <form action={action} className="stack">
      <input type="hidden" name="next" value={next} />
      <label>
        Username
        <input
          name="username"
          autoComplete="username"
          defaultValue={state.username ?? ''}
          required
          autoFocus
        />
      </label>
      <label>
        Password
        <input name="password" type="password" autoComplete="current-password" required />
      </label>
      {state.error ? (
        <p className="bad" role="alert">
          {state.error}
        </p>
      ) : null}
      <button type="submit" disabled={pending}>
        {pending ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
