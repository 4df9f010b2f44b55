'use server';
// Owns the backfill form's submissions (operators and admins), all through the engine's backfill
// commands, the ones `weir dags backfill` and `weir backfills cancel` run: a preview is the dry
// run's plan (the same the CLI prints), a create makes the backfill (audited) and comes back to
// the page showing its progress, a cancel stops one (audited).
import { audit } from '@weir/auth';
import { cancelBackfill, EngineError, type Reprocess } from '@weir/engine';
import { revalidatePath } from 'next/cache';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { clientAddress, requireAction } from '../../../../../lib/auth.ts';
import { logicalDateFromForm } from '../../../../../lib/param-fields.ts';
import { services } from '../../../../../lib/services.ts';

export interface PlannedInterval {
  readonly logicalDate: string;
  readonly action: 'create' | 'reprocess' | 'skip';
  readonly reason: string;
}

export interface BackfillFormState {
  /** Bumped on every answer, so the form is drawn afresh with the values it sent. */
  readonly attempt: number;
  readonly message: string | null;
  /** Problems by form field: from, to, reprocess, maxActiveRuns. */
  readonly fields: Readonly<Record<string, string>>;
  readonly values: Readonly<Record<string, string>>;
  /** The dry run's plan, after a preview. */
  readonly plan: readonly PlannedInterval[] | null;
}

const REPROCESS: readonly Reprocess[] = ['none', 'failed', 'completed'];

export async function submitBackfill(
  previous: BackfillFormState,
  form: FormData,
): Promise<BackfillFormState> {
  const principal = await requireAction('run.operate');
  const dagId = String(form.get('dagId') ?? '');
  const create = form.get('intent') === 'create';
  const values: Record<string, string> = {};
  for (const [key, value] of form.entries()) if (typeof value === 'string') values[key] = value;
  const answer = (
    message: string | null,
    fields: Record<string, string> = {},
    plan: PlannedInterval[] | null = null,
  ): BackfillFormState => ({ attempt: previous.attempt + 1, message, fields, values, plan });

  const problems: Record<string, string> = {};
  const from = logicalDateFromForm(String(form.get('from') ?? ''));
  const to = logicalDateFromForm(String(form.get('to') ?? ''));
  if (from === undefined) problems.from = 'required';
  else if (from === null) problems.from = 'not a date and time';
  if (to === undefined) problems.to = 'required';
  else if (to === null) problems.to = 'not a date and time';
  if (from && to && from > to) problems.to = 'must not be before the start';
  const reprocess = REPROCESS.find((r) => r === form.get('reprocess'));
  if (!reprocess) problems.reprocess = 'choose none, failed or completed';
  const maxText = String(form.get('maxActiveRuns') ?? '').trim();
  const maxActiveRuns = Number(maxText);
  if (!/^\d+$/.test(maxText) || maxActiveRuns < 1 || maxActiveRuns > 1000)
    problems.maxActiveRuns = 'a whole number from 1 to 1000';
  if (Object.keys(problems).length > 0 || !from || !to || !reprocess)
    return answer('Fix the fields marked below.', problems);

  const { engine, sql } = services();
  let result: Awaited<ReturnType<typeof engine.backfill>>;
  try {
    result = await engine.backfill({
      dagId,
      from,
      to,
      reprocess,
      maxActiveRuns,
      dryRun: !create,
      createdBy: principal.username,
    });
  } catch (error) {
    if (error instanceof EngineError) return answer(error.message);
    throw error;
  }
  const plan = result.plan.map((p) => ({
    logicalDate: p.logicalDate.toISOString(),
    action: p.action,
    reason: p.reason,
  }));
  if (!create || result.backfillId === null) return answer(null, {}, plan);
  await audit(sql, {
    actor: principal.username,
    action: 'backfill.create',
    dagId,
    details: {
      backfillId: result.backfillId,
      from: from.toISOString(),
      to: to.toISOString(),
      reprocess,
      maxActiveRuns,
    },
    source: clientAddress(await headers()),
  });
  const page = `/dags/${encodeURIComponent(dagId)}/backfill`;
  revalidatePath(page);
  redirect(`${page}?created=${result.backfillId}#backfill-${result.backfillId}`);
}

export async function cancelBackfillAction(form: FormData): Promise<void> {
  const principal = await requireAction('run.operate');
  const dagId = String(form.get('dagId') ?? '');
  const backfillId = Number(form.get('backfillId'));
  const page = `/dags/${encodeURIComponent(dagId)}/backfill`;
  let cancelledRuns: number;
  try {
    ({ cancelledRuns } = await cancelBackfill(services().db, backfillId));
  } catch (error) {
    if (error instanceof EngineError) redirect(`${page}?problem=${encodeURIComponent(error.message)}`);
    throw error;
  }
  await audit(services().sql, {
    actor: principal.username,
    action: 'backfill.cancel',
    dagId,
    details: { backfillId, cancelledRuns },
    source: clientAddress(await headers()),
  });
  revalidatePath(page);
  redirect(`${page}?cancelled=${backfillId}#backfill-${backfillId}`);
}
