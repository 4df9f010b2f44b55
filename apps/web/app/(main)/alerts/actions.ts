'use server';
// Owns the alert buttons: acknowledge and resolve (operators and admins), through the same engine
// commands as `weir alerts ack|resolve`, each written to the audit log.
import { audit } from '@weir/auth';
import { acknowledgeAlert, resolveAlert } from '@weir/engine';
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
