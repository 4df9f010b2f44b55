// The grid's rows: groups placed where their first task is, nested groups under their parent,
// labels without the group prefix, collapsed groups hiding what is inside, and an expanded
// mapped task followed by one row per instance.
import { describe, expect, it } from 'vitest';
import { gridRows } from './grid-rows.ts';

const tasks = [
  { taskId: 'extract', groupId: null, mapped: false },
  { taskId: 'etl.clean', groupId: 'etl', mapped: false },
  { taskId: 'load', groupId: null, mapped: true },
  { taskId: 'etl.inner.check', groupId: 'etl.inner', mapped: false },
  { taskId: 'report', groupId: null, mapped: false },
];
const groups = [
  { groupId: 'etl', parentGroupId: null },
  { groupId: 'etl.inner', parentGroupId: 'etl' },
];
const brief = (rows: ReturnType<typeof gridRows>) =>
  rows.map((r) =>
    r.kind === 'group'
      ? `${'  '.repeat(r.depth)}[${r.label}]`
      : r.kind === 'task'
        ? `${'  '.repeat(r.depth)}${r.label}#${r.index}`
        : `${'  '.repeat(r.depth)}${r.taskId}[${r.mapIndex}]`,
  );

describe('gridRows', () => {
  it('nests each group where its first task is, its tasks (and inner groups) under it', () => {
    expect(brief(gridRows(tasks, groups, { collapsed: new Set(), expanded: new Map() }))).toEqual([
      'extract#0',
      '[etl]',
      '  clean#1',
      '  [inner]',
      '    check#3',
      'load#2',
      'report#4',
    ]);
  });

  it('hides what a collapsed group holds, and lists an expanded mapped task’s instances', () => {
    expect(
      brief(gridRows(tasks, groups, { collapsed: new Set(['etl']), expanded: new Map([['load', 3]]) })),
    ).toEqual(['extract#0', '[etl]', 'load#2', '  load[0]', '  load[1]', '  load[2]', 'report#4']);
    expect(
      brief(gridRows(tasks, groups, { collapsed: new Set(['etl.inner']), expanded: new Map() })),
    ).toEqual(['extract#0', '[etl]', '  clean#1', '  [inner]', 'load#2', 'report#4']);
  });

  it('never expands a task that is not mapped', () => {
    const rows = gridRows(tasks, groups, { collapsed: new Set(), expanded: new Map([['report', 2]]) });
    expect(rows.filter((r) => r.kind === 'instance')).toEqual([]);
  });
});
