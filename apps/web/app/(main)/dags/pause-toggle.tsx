// Owns the pause / unpause button of a DAG (shown to operators and admins only).
import { setPaused } from './actions.ts';

export function PauseToggle({
  dagId,
  isPaused,
  small = false,
}: {
  readonly dagId: string;
  readonly isPaused: boolean;
  /** In a table row, beside the state. */
  readonly small?: boolean;
}) {
  return (
    <form action={setPaused} className="inline">
      <input type="hidden" name="dagId" value={dagId} />
      <input type="hidden" name="paused" value={isPaused ? 'false' : 'true'} />
      <button
        type="submit"
        className={small ? 'secondary small-button' : 'secondary'}
        aria-label={`${isPaused ? 'Unpause' : 'Pause'} ${dagId}`}
      >
        {isPaused ? 'Unpause' : 'Pause'}
      </button>
    </form>
  );
}
