'use client';
// Owns one try's log on the task-instance page: a virtualized list (only the lines in view are in
// the DOM, so 100,000 lines scroll smoothly), the first page rendered by the server and the rest
// fetched in pages from the logs API with its continuation token, then tailed live (a poll every
// second) while the try runs; search with next/previous match or matching lines only, a follow
// toggle, line wrapping, a link per line (?line=n) and the whole log as a download.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import { clockTime, highlightPieces, type LogLineDto, matchingLines } from '../lib/log-lines.ts';

/** What the server read before the page was sent: the first lines, and where to read on from. */
export interface LogStart {
  readonly lines: readonly LogLineDto[];
  readonly continuationToken: string;
  readonly done: boolean;
  /** The try has not ended: follow its newest line from the start. */
  readonly running: boolean;
}

const PAGE = 10_000;
const TAIL_MS = 1_000;
const RETRY_MS = 3_000;
const SEARCH_DEBOUNCE_MS = 200;
const LINE_PX = 20;

export function LogView({
  api,
  download,
  tryNumber,
  start,
}: {
  /** The logs API of this try (…/logs/{tryNumber}), with mapIndex when mapped. */
  readonly api: string;
  readonly download: string;
  readonly tryNumber: number;
  readonly start: LogStart;
}) {
  const [lines, setLines] = useState<readonly LogLineDto[]>(start.lines);
  const [done, setDone] = useState(start.done);
  const [trouble, setTrouble] = useState<string | null>(null);
  // Catching up: more pages known to be waiting (the last answer was full).
  const [catchingUp, setCatchingUp] = useState(false);
  // Later renders of the page (live refresh) bring a newer start: this view reads on by itself.
  const startedDone = useRef(start.done).current;
  const running = useRef(start.running).current;
  const [follow, setFollow] = useState(start.running);
  const [wrap, setWrap] = useState(true);
  const [typed, setTyped] = useState('');
  const [query, setQuery] = useState('');
  const [onlyMatches, setOnlyMatches] = useState(false);
  const [cursor, setCursor] = useState(0);
  const [picked, setPicked] = useState<number | null>(null);
  const token = useRef(start.continuationToken);
  const scroller = useRef<HTMLDivElement>(null);

  // Read on from the token: page after page while they come full, then once a second until the
  // try has ended and every line is read.
  useEffect(() => {
    if (startedDone) return;
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const step = async () => {
      try {
        const separator = api.includes('?') ? '&' : '?';
        const response = await fetch(`${api}${separator}limit=${PAGE}&token=${token.current}`, {
          signal: controller.signal,
          cache: 'no-store',
        });
        if (!response.ok) {
          const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
          setTrouble(body?.error?.message ?? `the log could not be read (HTTP ${response.status})`);
          timer = setTimeout(step, RETRY_MS);
          return;
        }
        const chunk = (await response.json()) as Omit<LogStart, 'running'>;
        setTrouble(null);
        token.current = chunk.continuationToken;
        if (chunk.lines.length > 0) setLines((before) => before.concat(chunk.lines));
        const full = chunk.lines.length === PAGE;
        setCatchingUp(full);
        if (chunk.done) {
          setDone(true);
          return;
        }
        timer = setTimeout(step, full ? 0 : TAIL_MS);
      } catch {
        if (controller.signal.aborted) return;
        setTrouble('the log could not be read: trying again');
        timer = setTimeout(step, RETRY_MS);
      }
    };
    void step();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [api, startedDone]);

  // Search the loaded lines a moment after typing stops; the list renders from a deferred copy.
  useEffect(() => {
    const timer = setTimeout(() => setQuery(typed.trim()), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [typed]);
  const deferredLines = useDeferredValue(lines);
  const deferredQuery = useDeferredValue(query);
  const matches = useMemo(() => matchingLines(deferredLines, deferredQuery), [deferredLines, deferredQuery]);
  const filtering = onlyMatches && deferredQuery !== '';
  const count = filtering ? matches.length : lines.length;
  const lineAt = (row: number) => (filtering ? (matches[row] as number) : row);

  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => LINE_PX,
    overscan: 20,
    // The server renders the first screen too, so the first lines show before any script runs.
    initialRect: { width: 1200, height: 640 },
  });

  // Following: keep the last line in view as lines arrive.
  useEffect(() => {
    if (follow && count > 0) virtualizer.scrollToIndex(count - 1, { align: 'end' });
  }, [follow, count, virtualizer]);

  // A line named in the URL (?line=n) is picked and brought into view once.
  useEffect(() => {
    const asked = Number(new URLSearchParams(window.location.search).get('line'));
    if (Number.isInteger(asked) && asked >= 1) {
      setPicked(asked - 1);
      setFollow(false);
    }
  }, []);
  const pickedLoaded = picked !== null && picked < lines.length;
  const broughtIntoView = useRef(false);
  useEffect(() => {
    if (!pickedLoaded || broughtIntoView.current || picked === null || filtering) return;
    broughtIntoView.current = true;
    virtualizer.scrollToIndex(picked, { align: 'center' });
  }, [pickedLoaded, picked, filtering, virtualizer]);

  const onScroll = useCallback(() => {
    const element = scroller.current;
    if (!element) return;
    const atEnd = element.scrollHeight - element.scrollTop - element.clientHeight < LINE_PX * 2;
    // Scrolling up stops following; scrolling back to the end of a running try resumes it.
    setFollow((before) => (before && !atEnd ? false : !before && atEnd && !done ? true : before));
  }, [done]);

  const goTo = (next: number) => {
    if (matches.length === 0) return;
    const at = ((next % matches.length) + matches.length) % matches.length;
    setCursor(at);
    setFollow(false);
    virtualizer.scrollToIndex(filtering ? at : (matches[at] as number), { align: 'center' });
  };
  // A new query starts at its first match and brings it into view.
  const searched = useRef('');
  useEffect(() => {
    if (deferredQuery === searched.current) return;
    searched.current = deferredQuery;
    setCursor(0);
    const first = matches[0];
    if (first === undefined) return;
    setFollow(false);
    virtualizer.scrollToIndex(filtering ? 0 : first, { align: 'center' });
  }, [deferredQuery, matches, filtering, virtualizer]);
  const current = matches.length > 0 ? (matches[Math.min(cursor, matches.length - 1)] as number) : -1;

  const pick = (index: number) => {
    setPicked(index);
    const url = new URL(window.location.href);
    url.searchParams.set('line', String(index + 1));
    window.history.replaceState(null, '', url);
  };

  const status = trouble
    ? trouble
    : done
      ? 'complete'
      : catchingUp || !running
        ? 'loading…'
        : lines.length === 0
          ? 'waiting for the first line…'
          : 'live: new lines appear as the try writes them';

  return (
    <div className="log-view" data-testid="log-view" data-done={done ? 'true' : 'false'}>
      <div className="log-toolbar">
        <input
          type="search"
          className="log-search"
          placeholder="Search the log"
          aria-label="Search the log"
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              // A query still waiting for its debounce runs now; else Enter steps through matches.
              if (typed.trim() !== query) setQuery(typed.trim());
              else goTo(cursor + (e.shiftKey ? -1 : 1));
            }
            if (e.key === 'Escape') setTyped('');
          }}
        />
        <span className="log-matches small" aria-live="polite">
          {deferredQuery === ''
            ? ''
            : matches.length === 0
              ? 'no match'
              : `${Math.min(cursor, matches.length - 1) + 1} of ${matches.length.toLocaleString('en')}`}
        </span>
        <button
          type="button"
          className="secondary small-button"
          onClick={() => goTo(cursor - 1)}
          disabled={matches.length === 0}
          aria-label="Previous match"
          title="Previous match (Shift+Enter)"
        >
          ↑
        </button>
        <button
          type="button"
          className="secondary small-button"
          onClick={() => goTo(cursor + 1)}
          disabled={matches.length === 0}
          aria-label="Next match"
          title="Next match (Enter)"
        >
          ↓
        </button>
        <label className="check">
          <input type="checkbox" checked={onlyMatches} onChange={(e) => setOnlyMatches(e.target.checked)} />
          matching lines only
        </label>
        <span className="log-toolbar-gap" />
        <label className="check">
          <input type="checkbox" checked={wrap} onChange={(e) => setWrap(e.target.checked)} />
          wrap
        </label>
        <label className="check" title={done ? 'the try has ended' : 'keep the newest line in view'}>
          <input
            type="checkbox"
            checked={follow}
            onChange={(e) => setFollow(e.target.checked)}
            aria-label="Follow"
          />
          follow
        </label>
        <button
          type="button"
          className="secondary small-button"
          onClick={() => {
            setFollow(false);
            virtualizer.scrollToIndex(0);
          }}
        >
          Top
        </button>
        <a className="button-link small-link" href={download} download>
          Download
        </a>
      </div>
      <p className="log-status small">
        <span className={done ? 'muted' : 'live on'}>
          try {tryNumber} · {lines.length.toLocaleString('en')} line{lines.length === 1 ? '' : 's'}
          {filtering ? ` · ${matches.length.toLocaleString('en')} shown` : ''} · {status}
        </span>
      </p>
      <div
        ref={scroller}
        className={`log-scroll${wrap ? ' wrap' : ''}`}
        onScroll={onScroll}
        role="log"
        aria-label={`log of try ${tryNumber}`}
      >
        {count === 0 ? (
          <p className="log-empty muted">
            {lines.length > 0 ? 'no line matches' : done ? 'nothing logged' : 'waiting for the first line…'}
          </p>
        ) : (
          <div className="log-rows" style={{ height: virtualizer.getTotalSize() }}>
            {virtualizer.getVirtualItems().map((row) => {
              const index = lineAt(row.index);
              const line = lines[index];
              if (!line) return null;
              const classes = [
                'log-line',
                `lv-${line.level}`,
                index === current ? 'current-match' : '',
                index === picked ? 'picked' : '',
              ].join(' ');
              return (
                <div
                  key={row.key}
                  ref={virtualizer.measureElement}
                  data-index={row.index}
                  data-testid="log-line"
                  className={classes}
                  style={{ transform: `translateY(${row.start}px)` }}
                >
                  <button
                    type="button"
                    className="log-no"
                    onClick={() => pick(index)}
                    title="link to this line"
                    tabIndex={-1}
                  >
                    {index + 1}
                  </button>
                  <span className="log-at">{clockTime(line.at)}</span>
                  <span className="log-level">{line.level}</span>
                  <span className="log-msg">
                    {deferredQuery === ''
                      ? line.message
                      : highlightPieces(line.message, deferredQuery).map((piece, i) =>
                          piece.match ? (
                            // biome-ignore lint/suspicious/noArrayIndexKey: pieces of one message never reorder
                            <mark key={i}>{piece.text}</mark>
                          ) : (
                            piece.text
                          ),
                        )}
                  </span>
                </div>
              );
            })}
          </div>
        )}
      </div>
    </div>
  );
}
