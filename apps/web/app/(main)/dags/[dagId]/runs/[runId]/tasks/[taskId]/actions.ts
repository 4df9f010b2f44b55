'use server';
// Owns the task-instance page's buttons (operators and admins): clear (after its preview) and
// mark success / failed, through the same engine commands as `weir tasks clear|mark`, each
// written to the audit log. The browser comes back to the task instance's page.
import { audit } from '@weir/auth';
import { EngineError, type MarkState } from '@weir/engine';
import { revalidatePath } from 'next/cache';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { clientAddress, requireAction } from '../../../../../../../../lib/auth.ts';
import { services } from '../../../../../../../../lib/services.ts';

interface Target {
  readonly dagId: string;
  readonly runId: string;
  readonly taskId: string;
  /** The task instance's page, without the preview's parameters. */
  readonly back: string;
}

function target(form: FormData): Target {
  const field = (name: string) => {
    const value = form.get(name);
    if (typeof value !== 'string' || value === '') throw new Error(`the form has no ${name}`);
    return value;
  };
  const back = field('back');
  // Only ever back to a page of this app.
  if (!back.startsWith('/dags/')) throw new Error('the form has a bad return address');
  return { dagId: field('dagId'), runId: field('runId'), taskId: field('taskId'), back };
}

const flag = (form: FormData, name: string) => form.get(name) === 'on';

export async function clearTasks(form: FormData): Promise<void> {
  const principal = await requireAction('run.operate');
  const t = target(form);
  const options = {
    downstream: flag(form, 'downstream'),
    upstream: flag(form, 'upstream'),
    onlyFailed: flag(form, 'onlyFailed'),
  };
  const { engine, sql } = services();
  const result = await engine.clear({ dagId: t.dagId, runId: t.runId, taskIds: [t.taskId], ...options });
  await audit(sql, {
    actor: principal.username,
    action: 'task.clear',
    dagId: t.dagId,
    runId: t.runId,
    taskId: t.taskId,
    details: { ...options, cleared: result.cleared.map((c) => ({ taskId: c.taskId, mapIndex: c.mapIndex })) },
    source: clientAddress(await headers()),
  });
  done(t, `cleared=${result.cleared.length}`);
}

async function mark(form: FormData, state: MarkState): Promise<void> {
  const principal = await requireAction('run.operate');
  const t = target(form);
  const downstream = flag(form, 'downstream');
  const { engine, sql } = services();
  let marked: number;
  try {
    marked = await engine.markTasks({
      dagId: t.dagId,
      runId: t.runId,
      taskIds: [t.taskId],
      state,
      downstream,
    });
  } catch (error) {
    if (error instanceof EngineError) throw new Error(error.message);
    throw error;
  }
  await audit(sql, {
    actor: principal.username,
    action: `task.mark_${state}`,
    dagId: t.dagId,
    runId: t.runId,
    taskId: t.taskId,
    details: { downstream, marked },
    source: clientAddress(await headers()),
  });
  done(t, `marked=${state}:${marked}`);
}

function done(t: Target, outcome: string): never {
  revalidatePath(`/dags/${encodeURIComponent(t.dagId)}`);
  revalidatePath(t.back.split('?')[0] ?? t.back);
  redirect(`${t.back}${t.back.includes('?') ? '&' : '?'}${outcome}`);
}

export async function markSuccess(form: FormData): Promise<void> {
  await mark(form, 'success');
}

export async function markFailed(form: FormData): Promise<void> {
  await mark(form, 'failed');
}
