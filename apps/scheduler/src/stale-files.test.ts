import { describe, expect, it } from 'vitest';
import { staleDagFiles } from './stale-files.ts';

const file = (path: string, mtimeMs: number) => ({ path, mtimeMs, version: `${mtimeMs}-1` });

describe('staleDagFiles', () => {
  it('finds files never stored or modified after their stored parse, and stored files that are gone', () => {
    const files = [file('/d/new.ts', 100), file('/d/changed.ts', 300), file('/d/same.ts', 100)];
    const stored = new Map([
      ['/d/changed.ts', 200],
      ['/d/same.ts', 200],
      ['/d/gone.ts', 200],
    ]);
    const { stale, removed } = staleDagFiles(files, stored);
    expect(stale.map((f) => f.path)).toEqual(['/d/new.ts', '/d/changed.ts']);
    expect(removed).toEqual(['/d/gone.ts']);
  });

  it('finds nothing when every file was parsed after it last changed', () => {
    expect(staleDagFiles([file('/d/a.ts', 100)], new Map([['/d/a.ts', 100]]))).toEqual({
      stale: [],
      removed: [],
    });
  });
});
