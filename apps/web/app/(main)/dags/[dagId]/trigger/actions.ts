'use server';
// Owns the trigger form's submission (operators and admins): the form's fields become a conf,
// which the engine validates against the DAG's params exactly as for `weir dags trigger --conf`;
// its complaints come back by field. A run that is created goes to the audit log, and the
// browser back to the DAG's grid, which shows it.
import { audit } from '@weir/auth';
import { EngineError, getStoredDag } from '@weir/engine';
import { revalidatePath } from 'next/cache';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { clientAddress, requireAction } from '../../../../../lib/auth.ts';
import { confFromForm, logicalDateFromForm, paramFields } from '../../../../../lib/param-fields.ts';
import { services } from '../../../../../lib/services.ts';

export interface TriggerState {
  /** Bumped on every answer, so the form is drawn afresh with the values it sent. */
  readonly attempt: number;
  readonly message: string | null;
  /** Problems by form field name: `param.<key>` for a param, `logicalDate`, or `conf`. */
  readonly fields: Readonly<Record<string, string>>;
  /** What was submitted, by field name, to fill the form in again. */
  readonly values: Readonly<Record<string, string>>;
}

// The field holding a DAG's free-form conf when it declares no params.
const FREE_CONF = 'conf';

export async function triggerRun(previous: TriggerState, form: FormData): Promise<TriggerState> {
  const principal = await requireAction('run.operate');
  const dagId = String(form.get('dagId') ?? '');
  const { db, engine, sql } = services();
  const values: Record<string, string> = {};
  for (const [key, value] of form.entries()) if (typeof value === 'string') values[key] = value;
  const answer = (message: string | null, fields: Record<string, string> = {}): TriggerState => ({
    attempt: previous.attempt + 1,
    message,
    fields,
    values,
  });
  const stored = await getStoredDag(db, dagId).catch(() => null);
  if (!stored) return answer(`DAG "${dagId}" not found`);
  const params = stored.serialized.params;
  const fields = paramFields(params?.schema, params?.defaults);
  let conf: Record<string, unknown>;
  const problems: Record<string, string> = {};
  if (params) {
    const read = confFromForm(fields, (key) =>
      form.has(`param.${key}`) ? String(form.get(`param.${key}`)) : null,
    );
    conf = read.conf;
    for (const [key, problem] of Object.entries(read.errors)) problems[`param.${key}`] = problem;
  } else {
    conf = {};
    const text = String(form.get(FREE_CONF) ?? '').trim();
    if (text !== '') {
      try {
        const parsed: unknown = JSON.parse(text);
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
          problems[FREE_CONF] = 'must be a JSON object, such as {"key": "value"}';
        else conf = parsed as Record<string, unknown>;
      } catch (error) {
        problems[FREE_CONF] = `not valid JSON: ${(error as Error).message}`;
      }
    }
  }
  const logicalDate = logicalDateFromForm(String(form.get('logicalDate') ?? ''));
  if (logicalDate === null) problems.logicalDate = 'not a date and time';
  if (Object.keys(problems).length > 0) return answer('Fix the fields marked below.', problems);

  let runId: string;
  try {
    const run = await engine.trigger({
      dagId,
      conf,
      ...(logicalDate ? { logicalDate } : {}),
      triggeredBy: principal.username,
    });
    runId = run.runId;
  } catch (error) {
    if (!(error instanceof EngineError)) throw error;
    if (error.code === 'RUN_EXISTS')
      return answer(error.message, { logicalDate: 'a run has this logical date' });
    const byField: Record<string, string> = {};
    for (const [key, problem] of Object.entries(error.fields))
      if (key !== '') byField[params ? `param.${key}` : FREE_CONF] = problem;
    return answer(error.message, byField);
  }
  await audit(sql, {
    actor: principal.username,
    action: 'dag.trigger',
    dagId,
    runId,
    details: { conf, ...(logicalDate ? { logicalDate: logicalDate.toISOString() } : {}) },
    source: clientAddress(await headers()),
  });
  const grid = `/dags/${encodeURIComponent(dagId)}`;
  revalidatePath(grid);
  redirect(`${grid}?triggered=${encodeURIComponent(runId)}`);
}
