// Owns the pause / unpause button of a DAG (shown to operators and admins only).
import { setPaused } from './actions.ts';

export function PauseToggle({ dagId, isPaused }: { readonly dagId: string; readonly isPaused: boolean }) {
  return (
    // Keyed by the state it changes: drawn afresh once it flips, so the form never sends the
    // intent it had before (React resets a form after its action, to the values it first had).
    <form key={String(isPaused)} action={setPaused} className="inline">
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
