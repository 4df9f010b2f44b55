// Owns the foot of a keyset-paged list: how many rows match, and links to the first page and
// the next one (the cursor rides in the URL with the filters, so a page can be linked to).
import Link from 'next/link';

export function Pager<Cursor>({
  path,
  values,
  page,
  encodeCursor,
  paged,
  noun,
}: {
  /** The list's page, whose filters ride in `values`. */
  readonly path: string;
  readonly values: Readonly<Record<string, string | undefined>>;
  /** This page as the read model returns it: its rows, how many match, the next page's start. */
  readonly page: {
    readonly items: readonly unknown[];
    readonly totalEntries: number;
    readonly next: Cursor | null;
  };
  readonly encodeCursor: (next: Cursor) => string;
  /** Whether this is a later page (a cursor is in the URL). */
  readonly paged: boolean;
  readonly noun: string;
}) {
  // An empty first page already says so ("No … match"): a count of nothing adds only noise.
  if (page.totalEntries === 0 && !paged) return null;
  return (
    <nav className="pager" aria-label="pages">
      <span className="muted">
        {page.items.length} shown of {page.totalEntries} {noun}
      </span>
      {paged ? <Link href={hrefWith(path, { ...values, cursor: undefined })}>← newest</Link> : null}
      {page.next !== null ? (
        <Link href={hrefWith(path, { ...values, cursor: encodeCursor(page.next) })}>older →</Link>
      ) : null}
    </nav>
  );
}

/** The URL of `path` with these query values (empty ones left out). */
export function hrefWith(path: string, values: Readonly<Record<string, string | undefined>>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value) search.set(key, value);
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}
