// Owns the pause / unpause button of a DAG (shown to operators and admins only).
import { setPaused } from './actions.ts';

export function PauseToggle({ dagId, isPaused }: { readonly dagId: string; readonly isPaused: boolean }) {
  return (
    <form action={setPaused} className="inline">
      <input type="hidden" name="dagId" value={dagId} />
      <input type="hidden" name="paused" value={isPaused ? 'false' : 'true'} />
      <button
        type="submit"
        className="secondary small-button"
        aria-label={`${isPaused ? 'Unpause' : 'Pause'} ${dagId}`}
      >
        {isPaused ? 'Unpause' : 'Pause'}
      </button>
    </form>
  );
}
