'use client';
// Owns showing a JSON value (a task's XCom output) as a tree: objects and arrays fold and unfold
// (the first levels open), long arrays and objects show their first entries with "show more",
// long strings are cut with "show more", and each kind of value has its own colour.
import { type ReactNode, useState } from 'react';

const OPEN_DEPTH = 2;
const CHILDREN_STEP = 100;
const STRING_CUT = 300;

export function JsonTree({ value, label }: { readonly value: unknown; readonly label: string }) {
  return (
    <section className="json-tree" aria-label={label}>
      <JsonNode name={null} value={value} depth={0} />
    </section>
  );
}

function JsonNode({ name, value, depth }: { name: string | null; value: unknown; depth: number }) {
  const key = name === null ? null : <span className="jt-key">{name}: </span>;
  if (value !== null && typeof value === 'object')
    return <Branch name={key} value={value as object} depth={depth} />;
  return (
    <div className="jt-row">
      {key}
      <Leaf value={value} />
    </div>
  );
}

function Leaf({ value }: { value: unknown }) {
  const [whole, setWhole] = useState(false);
  if (typeof value === 'string') {
    const cut = !whole && value.length > STRING_CUT;
    return (
      <>
        <span className="jt-string">
          "{cut ? value.slice(0, STRING_CUT) : value}
          {cut ? '…' : ''}"
        </span>
        {cut ? (
          <button type="button" className="link jt-more" onClick={() => setWhole(true)}>
            show more ({value.length.toLocaleString('en')} characters)
          </button>
        ) : null}
      </>
    );
  }
  if (typeof value === 'number') return <span className="jt-number">{String(value)}</span>;
  if (typeof value === 'boolean') return <span className="jt-literal">{String(value)}</span>;
  return <span className="jt-literal">null</span>;
}

function Branch({ name, value, depth }: { name: ReactNode; value: object; depth: number }) {
  const array = Array.isArray(value);
  const entries: [string, unknown][] = array
    ? (value as unknown[]).map((v, i) => [String(i), v])
    : Object.entries(value as Record<string, unknown>);
  const [open, setOpen] = useState(depth < OPEN_DEPTH);
  const [shown, setShown] = useState(CHILDREN_STEP);
  const summary = array
    ? `[${entries.length.toLocaleString('en')} item${entries.length === 1 ? '' : 's'}]`
    : `{${entries.length.toLocaleString('en')} key${entries.length === 1 ? '' : 's'}}`;
  if (entries.length === 0)
    return (
      <div className="jt-row">
        {name}
        <span className="jt-literal">{array ? '[]' : '{}'}</span>
      </div>
    );
  return (
    <div className="jt-branch">
      <button type="button" className="jt-toggle" onClick={() => setOpen(!open)} aria-expanded={open}>
        <span className="jt-caret">{open ? '▾' : '▸'}</span>
        {name}
        <span className="jt-summary">{summary}</span>
      </button>
      {open ? (
        <div className="jt-children">
          {entries.slice(0, shown).map(([k, v]) => (
            <JsonNode key={k} name={array ? k : JSON.stringify(k).slice(1, -1)} value={v} depth={depth + 1} />
          ))}
          {entries.length > shown ? (
            <button type="button" className="link jt-more" onClick={() => setShown(shown + CHILDREN_STEP)}>
              show more ({(entries.length - shown).toLocaleString('en')} more)
            </button>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
