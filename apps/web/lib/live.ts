// Owns the web server's one watcher of changes: while any page is open on a live stream, it
// asks PostgreSQL for the change token once a second and tells every open stream when it moved.
import { changeToken } from '@weir/engine';
import { services } from './services.ts';

type Listener = (token: string) => void;

interface Watcher {
  listeners: Set<Listener>;
  timer: NodeJS.Timeout | undefined;
  token: string | undefined;
}

const POLL_MS = 1_000;
const holder = globalThis as { __weirLive?: Watcher };

function watcher(): Watcher {
  holder.__weirLive ??= { listeners: new Set(), timer: undefined, token: undefined };
  return holder.__weirLive;
}

async function poll(w: Watcher): Promise<void> {
  try {
    const token = await changeToken(services().sql, new Date());
    if (token !== w.token) {
      w.token = token;
      for (const listener of w.listeners) listener(token);
    }
  } catch {
    // The database is away for a moment: the next poll tries again.
  }
  if (w.listeners.size > 0) w.timer = setTimeout(() => void poll(w), POLL_MS);
  else w.timer = undefined;
}

/** Calls `listener` with each new token; returns the function that stops it. */
export function watchChanges(listener: Listener): () => void {
  const w = watcher();
  w.listeners.add(listener);
  // Every stream starts with the token as it is, so that the next one is a change.
  if (w.token !== undefined) listener(w.token);
  if (!w.timer) w.timer = setTimeout(() => void poll(w), 0);
  return () => {
    w.listeners.delete(listener);
  };
}
