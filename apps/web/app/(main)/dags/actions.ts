'use server';
// Owns the pause toggle of the DAG list and the DAG page (operators and admins), through the same
// engine command as `weir dags pause|unpause`, written to the audit log.
import { audit } from '@weir/auth';
import { revalidatePath } from 'next/cache';
import { headers } from 'next/headers';
import { clientAddress, requireAction } from '../../../lib/auth.ts';
import { services } from '../../../lib/services.ts';

export async function setPaused(form: FormData): Promise<void> {
  const principal = await requireAction('run.operate');
  const dagId = String(form.get('dagId') ?? '');
  const paused = form.get('paused') === 'true';
  if (!dagId) throw new Error('no DAG id');
  const { engine, sql } = services();
  if (!(await engine.setPaused(dagId, paused))) throw new Error(`DAG "${dagId}" not found`);
  await audit(sql, {
    actor: principal.username,
    action: paused ? 'dag.pause' : 'dag.unpause',
    dagId,
    source: clientAddress(await headers()),
  });
  revalidatePath('/dags');
  revalidatePath(`/dags/${encodeURIComponent(dagId)}`);
}
