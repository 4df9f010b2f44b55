// Owns `weir tasks test`: runs one task's function alone, in this process, like `airflow tasks
// test`: no dependencies checked, no state recorded. Upstream outputs come from --inputs; a mapped
// instance's arguments from --args, or from its literal expand lists and --inputs.
import { resolve } from 'node:path';
import { discoverDagFiles, importDagFile } from '@weir/dag-loader';
import { argumentsAt, expansionLength } from '@weir/domain';
import { EngineError, expansionOf, resolveConf } from '@weir/engine';
import {
  type Dag,
  type SerializedDag,
  type SerializedMapping,
  serializeDag,
  type TaskContext,
  type TaskDefinition,
} from '@weir/sdk';
import { inProcessLookups, type TaskSecrets } from '@weir/worker';
import { CliError } from '../errors.ts';

export interface TaskTestOptions {
  readonly dagId: string;
  readonly taskId: string;
  /** Absolute DAG folder. */
  readonly folder: string;
  readonly logicalDate?: string;
  readonly conf: Record<string, unknown>;
  readonly inputs?: string;
  readonly mapIndex?: string;
  readonly args?: string;
  /** Where ctx.variable and ctx.connection are answered, and the masker for every line printed. */
  readonly secrets: TaskSecrets;
}

/** Runs the task and returns its output; every mistake in the options is a one-line CliError. */
export async function testTask(opts: TaskTestOptions): Promise<unknown> {
  const found = await findDag(opts.folder, opts.dagId);
  const task = found.tasks.get(opts.taskId);
  if (!task)
    throw new CliError(
      `DAG "${opts.dagId}" has no task "${opts.taskId}"; it has: ${[...found.tasks.keys()].join(', ')}`,
    );
  let serialized: SerializedDag;
  try {
    serialized = serializeDag(found);
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  const logicalDate = opts.logicalDate ? new Date(opts.logicalDate) : new Date();
  if (Number.isNaN(logicalDate.getTime()))
    throw new CliError(
      `--logical-date "${opts.logicalDate}" is not an ISO date such as 2026-01-01T00:00:00Z`,
      2,
    );
  const params = paramsFor(serialized, opts.conf);
  const upstream = parseInputs(task, opts.inputs);
  const inputs = task.inputs.map((id) => upstream.get(id));
  const mapping = serialized.tasks.find((t) => t.taskId === task.taskId)?.mapping ?? null;
  let mapIndex = -1;
  let args: unknown[] = inputs;
  if (mapping) {
    mapIndex = opts.mapIndex === undefined ? 0 : parseMapIndex(opts.mapIndex);
    args = [mappedArguments(task.taskId, mapping, mapIndex, upstream, opts.args), ...inputs];
  } else if (opts.mapIndex !== undefined || opts.args !== undefined) {
    throw new CliError(`task "${task.taskId}" is not mapped: --map-index and --args apply to d.map tasks`, 2);
  }
  const { masker } = opts.secrets;
  const line = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    process.stderr.write(masker.mask(`[${level}] ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}\n`));
  const ctx: TaskContext = {
    dagId: opts.dagId,
    runId: `tasks_test__${logicalDate.toISOString()}`,
    taskId: task.taskId,
    mapIndex,
    tryNumber: 1,
    maxTries: 1,
    logicalDate,
    dataIntervalStart: logicalDate,
    dataIntervalEnd: logicalDate,
    params,
    log: { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') },
    signal: new AbortController().signal,
    // Nothing is recorded by a test: an outlet's extra is shown, not stored.
    outlets: {
      extra: (a, extra) =>
        line('info')(
          `outlet ${typeof a === 'string' ? a : a.uri}: extra ${JSON.stringify(extra)} (not recorded by tasks test)`,
        ),
    },
    triggeringAssetEvents: [],
    alerts: {
      raise: (a) =>
        line('warn')(
          `alert ${a.kind} (${a.check}): ${a.title} ${JSON.stringify(a.details ?? {})} (not raised by tasks test)`,
        ),
      resolve: (a) => line('info')(`alert ${a.kind} (${a.check}) resolved (not recorded by tasks test)`),
    },
    ...inProcessLookups(opts.secrets),
  };
  try {
    return await task.fn(ctx, ...args);
  } catch (error) {
    // The task's own failure: its stack is what the author needs.
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    throw new CliError(masker.mask(`task "${task.taskId}" of DAG "${opts.dagId}" failed: ${detail}`));
  }
}

async function findDag(folder: string, dagId: string): Promise<Dag> {
  const files = discoverDagFiles(folder);
  if (files.length === 0) throw new CliError(`no DAG files in ${folder}`);
  const failures: string[] = [];
  for (const file of files) {
    try {
      const found = (await importDagFile(resolve(file.path), file.version)).find((d) => d.dagId === dagId);
      if (found) return found;
    } catch (error) {
      failures.push(`${file.path}: ${firstLine(error)}`);
    }
  }
  const also = failures.length > 0 ? ` (${failures.length} failed to import: ${failures.join('; ')})` : '';
  throw new CliError(`DAG "${dagId}" not found in ${folder}${also}`);
}

/** The params a run with this conf would see, refused as a trigger refuses them. */
function paramsFor(dag: SerializedDag, conf: Record<string, unknown>): Record<string, unknown> {
  try {
    return resolveConf(dag, conf);
  } catch (error) {
    if (error instanceof EngineError) throw new CliError(error.message, 2);
    throw error;
  }
}

/**
 * Upstream outputs by task id. --inputs is either an array (the task's `inputs`, in order) or an
 * object keyed by upstream task id, which may also give the lists a mapped task expands over.
 */
function parseInputs(task: TaskDefinition, text: string | undefined): Map<string, unknown> {
  const outputs = new Map<string, unknown>();
  if (text === undefined) return outputs;
  const value = parseJson(text, '--inputs');
  if (Array.isArray(value)) {
    if (value.length !== task.inputs.length)
      throw new CliError(
        `--inputs has ${value.length} value(s), but task "${task.taskId}" takes ${task.inputs.length} input(s)${
          task.inputs.length > 0 ? ` (${task.inputs.join(', ')})` : ''
        }`,
        2,
      );
    task.inputs.forEach((id, i) => {
      outputs.set(id, value[i]);
    });
    return outputs;
  }
  if (typeof value !== 'object' || value === null)
    throw new CliError(
      '--inputs must be a JSON array (inputs in order) or an object keyed by upstream task id',
      2,
    );
  const upstreams = new Set([...task.inputs, ...task.after]);
  for (const [id, output] of Object.entries(value)) {
    if (!upstreams.has(id))
      throw new CliError(
        `--inputs names "${id}", which is not an upstream of task "${task.taskId}"${
          upstreams.size > 0 ? ` (its upstreams: ${[...upstreams].join(', ')})` : ''
        }`,
        2,
      );
    outputs.set(id, output);
  }
  return outputs;
}

function parseMapIndex(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n))
    throw new CliError(`--map-index "${text}" is not a map index (0, 1, 2, …)`, 2);
  return n;
}

/** The arguments object a mapped instance receives, partial arguments included. */
function mappedArguments(
  taskId: string,
  mapping: SerializedMapping,
  mapIndex: number,
  upstream: Map<string, unknown>,
  argsText: string | undefined,
): Record<string, unknown> {
  if (argsText !== undefined) {
    const args = parseJson(argsText, '--args');
    if (typeof args !== 'object' || args === null || Array.isArray(args))
      throw new CliError(`--args must be a JSON object such as {"${Object.keys(mapping.expand)[0]}": …}`, 2);
    // As in a real run: the partial arguments win over the expanded ones.
    return { ...(args as Record<string, unknown>), ...mapping.partial };
  }
  for (const [key, source] of Object.entries(mapping.expand)) {
    if (source.kind === 'upstream' && !upstream.has(source.taskId))
      throw new CliError(
        `mapped task "${taskId}" expands "${key}" over the output of task "${source.taskId}": pass the instance's arguments with --args '{"${key}": …}', or that output with --inputs '{"${source.taskId}": [...]}'`,
        2,
      );
  }
  const expansion = expansionOf(mapping, upstream);
  if ('error' in expansion) throw new CliError(`--inputs: ${expansion.error}`, 2);
  const length = expansionLength(expansion);
  if (mapIndex >= length)
    throw new CliError(
      length === 0
        ? `mapped task "${taskId}" expands to no instances (an empty list): there is no map index ${mapIndex}`
        : `--map-index ${mapIndex} is out of range: task "${taskId}" expands to ${length} instance(s), 0..${length - 1}`,
      2,
    );
  return { ...argumentsAt(expansion, mapIndex), ...mapping.partial };
}

function parseJson(text: string, option: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(`${option} is not valid JSON: ${(error as Error).message}`, 2);
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}
