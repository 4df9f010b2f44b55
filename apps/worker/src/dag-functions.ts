// Owns finding a task's function: imports the DAG file (once per file version) and looks the
// task up in the DAG it exports.
import { statSync } from 'node:fs';
import { importDagFile } from '@weir/dag-loader';
import type { Dag, TaskDefinition } from '@weir/sdk';

export class DagFunctions {
  private readonly files = new Map<string, { version: string; dags: Promise<Dag[]> }>();

  async dag(fileloc: string, dagId: string): Promise<Dag> {
    const version = fileVersion(fileloc);
    let entry = this.files.get(fileloc);
    if (!entry || entry.version !== version) {
      entry = { version, dags: importDagFile(fileloc, version) };
      this.files.set(fileloc, entry);
      entry.dags.catch(() => this.files.delete(fileloc));
    }
    const dag = (await entry.dags).find((d) => d.dagId === dagId);
    if (!dag) throw new TaskGone(`DAG file ${fileloc} no longer defines DAG "${dagId}"`);
    return dag;
  }

  async task(fileloc: string, dagId: string, taskId: string): Promise<{ dag: Dag; task: TaskDefinition }> {
    const dag = await this.dag(fileloc, dagId);
    const task = dag.tasks.get(taskId);
    if (!task) throw new TaskGone(`DAG "${dagId}" in ${fileloc} no longer defines task "${taskId}"`);
    return { dag, task };
  }
}

/**
 * The task is not in its DAG file any more (changed since the try was queued): the try ends
 * `removed`, as Airflow marks an instance whose task is gone, instead of failing.
 */
export class TaskGone extends Error {
  readonly weirOutcome = 'removed';
  override name = 'TaskGone';
}

function fileVersion(file: string): string {
  try {
    const stat = statSync(file);
    return `${stat.mtimeMs}-${stat.size}`;
  } catch {
    throw new Error(`DAG file ${file} is gone`);
  }
}
