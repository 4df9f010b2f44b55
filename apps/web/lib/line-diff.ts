// Owns the code view's diff: two versions of a DAG file as unified-diff hunks (the `diff`
// package's line diff, three lines of context), each line numbered in the old and new file.
import { structuredPatch } from 'diff';

export interface DiffLine {
  readonly kind: 'add' | 'del' | 'same';
  readonly oldLine: number | null;
  readonly newLine: number | null;
  readonly text: string;
}

export interface DiffHunk {
  readonly header: string;
  readonly lines: readonly DiffLine[];
}

export function lineDiff(
  oldText: string,
  newText: string,
): { hunks: DiffHunk[]; added: number; removed: number } {
  const patch = structuredPatch('old', 'new', oldText, newText, '', '', { context: 3 });
  let added = 0;
  let removed = 0;
  const hunks = patch.hunks.map((h) => {
    let oldLine = h.oldStart;
    let newLine = h.newStart;
    const lines: DiffLine[] = [];
    for (const raw of h.lines) {
      const mark = raw[0];
      const text = raw.slice(1);
      if (mark === '+') {
        added++;
        lines.push({ kind: 'add', oldLine: null, newLine: newLine++, text });
      } else if (mark === '-') {
        removed++;
        lines.push({ kind: 'del', oldLine: oldLine++, newLine: null, text });
      } else if (mark === ' ') lines.push({ kind: 'same', oldLine: oldLine++, newLine: newLine++, text });
      // '\' ("No newline at end of file") says nothing a reader needs here.
    }
    return { header: `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`, lines };
  });
  return { hunks, added, removed };
}
