'use server';
// Owns the alert buttons: acknowledge and resolve (operators and admins), through the same engine
// commands as `weir alerts ack|resolve`, and silences (create, end) as `weir alerts silence|unsilence`;
// each written to the audit log.
import { audit } from '@weir/auth';
import { acknowledgeAlert, createSilence, EngineError, endSilence, resolveAlert } from '@weir/engine';
import { parseDuration } from '@weir/sdk';
import { revalidatePath } from 'next/cache';
import { headers } from 'next/headers';
import { clientAddress, requireAction } from '../../../lib/auth.ts';
import { services } from '../../../lib/services.ts';

async function act(kind: 'acknowledge' | 'resolve', form: FormData): Promise<void> {
  const principal = await requireAction('alert.operate');
  const id = Number(form.get('id'));
  if (!Number.isInteger(id) || id < 1) throw new Error('no alert id');
  const { sql } = services();
  if (kind === 'acknowledge') await acknowledgeAlert(sql, id, principal.username, new Date());
  else await resolveAlert(sql, id, principal.username, new Date());
  await audit(sql, {
    actor: principal.username,
    action: `alert.${kind}`,
    details: { alertId: id },
    source: clientAddress(await headers()),
  });
  revalidatePath('/alerts');
}

export async function acknowledge(form: FormData): Promise<void> {
  await act('acknowledge', form);
}

export async function resolve(form: FormData): Promise<void> {
  await act('resolve', form);
}

/** What the silence form shows after a submit: the error and the field it is about, or nothing. */
export interface SilenceFormState {
  readonly error: string | null;
  readonly field: 'dagId' | 'taskId' | 'duration' | 'reason' | null;
  /** Bumped on success so the form clears. */
  readonly created: number;
  /** What was typed, kept after a refusal (React resets a form after its action). */
  readonly values: {
    readonly dagId: string;
    readonly taskId: string;
    readonly duration: string;
    readonly reason: string;
  };
}

const EMPTY_SILENCE_FORM = { dagId: '', taskId: '', duration: '2h', reason: '' };

/** Silence a DAG or one task for a while, as `weir alerts silence --dag --task --for --reason`. */
export async function createSilenceAction(
  previous: SilenceFormState,
  form: FormData,
): Promise<SilenceFormState> {
  const principal = await requireAction('alert.operate');
  const dagId = String(form.get('dagId') ?? '').trim();
  const taskId = String(form.get('taskId') ?? '').trim();
  const duration = String(form.get('duration') ?? '').trim();
  const reason = String(form.get('reason') ?? '').trim();
  const fail = (field: SilenceFormState['field'], error: string): SilenceFormState => ({
    error,
    field,
    created: previous.created,
    values: { dagId, taskId, duration, reason },
  });
  if (!dagId) return fail('dagId', 'name the DAG to silence');
  let durationMs: number;
  try {
    durationMs = parseDuration(duration, 'duration');
  } catch (error) {
    return fail('duration', (error as Error).message);
  }
  if (durationMs <= 0) return fail('duration', "a silence needs a duration longer than 0 ('2h')");
  if (!reason) return fail('reason', 'say why, for whoever wonders where the alerts went');
  const { sql } = services();
  try {
    const silence = await createSilence(
      sql,
      { dagId, taskId: taskId || null, durationMs, reason, createdBy: principal.username },
      new Date(),
    );
    await audit(sql, {
      actor: principal.username,
      action: 'silence.create',
      dagId,
      ...(taskId ? { taskId } : {}),
      details: { silenceId: silence.id, duration, reason, via: 'ui' },
      source: clientAddress(await headers()),
    });
  } catch (error) {
    if (error instanceof EngineError)
      return fail(error.code === 'DAG_NOT_FOUND' ? 'dagId' : null, error.message);
    throw error;
  }
  revalidatePath('/alerts');
  return { error: null, field: null, created: previous.created + 1, values: EMPTY_SILENCE_FORM };
}

/** End a silence now, as `weir alerts unsilence <id>`. */
export async function endSilenceAction(form: FormData): Promise<void> {
  const principal = await requireAction('alert.operate');
  const id = Number(form.get('id'));
  if (!Number.isInteger(id) || id < 1) throw new Error('no silence id');
  const { sql } = services();
  await endSilence(sql, id, new Date());
  await audit(sql, {
    actor: principal.username,
    action: 'silence.end',
    details: { silenceId: id, via: 'ui' },
    source: clientAddress(await headers()),
  });
  revalidatePath('/alerts');
}
