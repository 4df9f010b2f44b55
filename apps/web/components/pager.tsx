// Owns the foot of a keyset-paged list: how many rows match, and links to the first page and
// the next one (the cursor rides in the URL with the filters, so a page can be linked to).
import Link from 'next/link';

export function Pager({
  total,
  shown,
  paged,
  firstHref,
  nextHref,
  noun,
}: {
  readonly total: number;
  readonly shown: number;
  /** Whether this is a later page (a cursor is in the URL). */
  readonly paged: boolean;
  readonly firstHref: string;
  readonly nextHref: string | null;
  readonly noun: string;
}) {
  return (
    <nav className="pager" aria-label="pages">
      <span className="muted">
        {shown} shown of {total} {noun}
      </span>
      {paged ? <Link href={firstHref}>← newest</Link> : null}
      {nextHref ? <Link href={nextHref}>older →</Link> : null}
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
