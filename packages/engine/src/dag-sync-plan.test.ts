import { dag, type SerializedDag, serializeDag } from '@weir/sdk';
import { describe, expect, it } from 'vitest';
import { type ParsedDagFile, planDagSync, type StoredDag } from './dag-sync-plan.ts';

const serialized = (id: string, schedule = '@daily'): SerializedDag =>
  serializeDag(dag({ id, schedule, startDate: '2026-01-01' }, (d) => void d.task('only', async () => 1)));

const file = (fileloc: string, ...dags: SerializedDag[]): ParsedDagFile => ({
  fileloc,
  source: `// ${fileloc}`,
  outcome: { ok: true, dags },
});

const broken = (fileloc: string): ParsedDagFile => ({
  fileloc,
  source: 'export default {{{',
  outcome: { ok: false, message: 'Unexpected "{"', stack: 'at syntax.ts:1' },
});

/** The rows a first plan would leave behind, for planning a second pass. */
function storedAfter(files: readonly ParsedDagFile[]): StoredDag[] {
  return planDagSync(files, []).changedDags.map(({ fileloc, dag, serializedHash }) => ({
    dagId: dag.dagId,
    fileloc,
    isActive: true,
    serializedHash,
  }));
}

describe('planDagSync', () => {
  it('stores new DAGs and keeps an import error for a broken file next to them', () => {
    const plan = planDagSync([file('a.ts', serialized('a')), broken('b.ts')], []);
    expect(plan.changedDags.map((c) => c.dag.dagId)).toEqual(['a']);
    expect(plan.cleanFiles).toEqual(['a.ts']);
    expect(plan.importErrors).toEqual([
      {
        fileloc: 'b.ts',
        message: 'DAG file b.ts failed to import: Unexpected "{"',
        stackTrace: 'at syntax.ts:1',
      },
    ]);
    expect(plan.sources.map((s) => s.fileloc)).toEqual(['a.ts', 'b.ts']);
    expect(plan.results).toEqual([
      { fileloc: 'a.ts', dagIds: ['a'], importError: null },
      { fileloc: 'b.ts', dagIds: [], importError: plan.importErrors[0]?.message },
    ]);
  });

  it('marks a DAG parsed again unchanged as seen, without storing it again', () => {
    const files = [file('a.ts', serialized('a'))];
    const plan = planDagSync(files, storedAfter(files));
    expect(plan.changedDags).toEqual([]);
    expect(plan.unchangedDagIds).toEqual(['a']);
    expect(plan.deactivatedDagIds).toEqual([]);
  });

  it('stores a DAG again when it changed or was inactive', () => {
    const stored = storedAfter([file('a.ts', serialized('a'), serialized('b'))]);
    const inactive = stored.map((row) => (row.dagId === 'b' ? { ...row, isActive: false } : row));
    const plan = planDagSync([file('a.ts', serialized('a', '@hourly'), serialized('b'))], inactive);
    expect(plan.changedDags.map((c) => c.dag.dagId)).toEqual(['a', 'b']);
    expect(plan.unchangedDagIds).toEqual([]);
  });

  it('gives a DAG id defined by two files of the batch to the first one', () => {
    const plan = planDagSync([file('a.ts', serialized('x')), file('b.ts', serialized('x'))], []);
    expect(plan.changedDags.map((c) => c.fileloc)).toEqual(['a.ts']);
    expect(plan.importErrors.map((e) => e.message)).toEqual([
      'DAG file b.ts failed to import: DAG id "x" is already defined in a.ts',
    ]);
  });

  it('refuses a DAG id that a file outside the batch defines', () => {
    const plan = planDagSync([file('a.ts', serialized('x'))], storedAfter([file('z.ts', serialized('x'))]));
    expect(plan.changedDags).toEqual([]);
    expect(plan.importErrors[0]?.message).toBe(
      'DAG file a.ts failed to import: DAG id "x" is already defined in z.ts',
    );
  });

  it('lets a later file take up a DAG id an earlier file of the batch stopped defining', () => {
    const stored = storedAfter([file('a.ts', serialized('x'))]);
    const plan = planDagSync([file('a.ts', serialized('y')), file('b.ts', serialized('x'))], stored);
    expect(plan.changedDags.map((c) => [c.fileloc, c.dag.dagId])).toEqual([
      ['a.ts', 'y'],
      ['b.ts', 'x'],
    ]);
    expect(plan.deactivatedDagIds).toEqual([]);
    expect(plan.importErrors).toEqual([]);
  });

  it('refuses the id to an earlier file while the later file that defined it is not yet re-judged', () => {
    const stored = storedAfter([file('b.ts', serialized('x'))]);
    const plan = planDagSync([file('a.ts', serialized('x')), file('b.ts', serialized('y'))], stored);
    expect(plan.importErrors.map((e) => e.fileloc)).toEqual(['a.ts']);
    expect(plan.deactivatedDagIds).toEqual(['x']);
  });

  it('deactivates the DAGs a clean file no longer defines, and keeps those of a broken file', () => {
    const stored = storedAfter([
      file('a.ts', serialized('a1'), serialized('a2')),
      file('b.ts', serialized('b1')),
    ]);
    const plan = planDagSync([file('a.ts', serialized('a1')), broken('b.ts')], stored);
    expect(plan.deactivatedDagIds).toEqual(['a2']);
    expect(plan.unchangedDagIds).toEqual(['a1']);
  });

  it('refuses a file that defines a DAG id twice or an invalid schedule', () => {
    const plan = planDagSync(
      [file('a.ts', serialized('a'), serialized('a')), file('b.ts', serialized('b', '61 * * * *'))],
      [],
    );
    expect(plan.importErrors.map((e) => e.message)).toEqual([
      'DAG file a.ts failed to import: it defines DAG id "a" more than once',
      expect.stringMatching(/^DAG file b\.ts failed to import: DAG "b": /),
    ]);
    expect(plan.changedDags).toEqual([]);
  });
});
