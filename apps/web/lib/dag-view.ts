// Owns what every DAG view page starts with: the signed-in user, the DAG id from the URL, and
// the stored DAG (a 404 page when there is none).
import type { Principal } from '@weir/auth';
import { EngineError, getStoredDag, type StoredDagView } from '@weir/engine';
import { notFound } from 'next/navigation';
import { requirePage } from './auth.ts';
import { services } from './services.ts';

export async function loadDagView(
  params: Promise<{ dagId: string }>,
): Promise<{ principal: Principal; dagId: string; stored: StoredDagView }> {
  const principal = await requirePage();
  const dagId = decodeURIComponent((await params).dagId);
  try {
    return { principal, dagId, stored: await getStoredDag(services().db, dagId) };
  } catch (error) {
    if (error instanceof EngineError) notFound();
    throw error;
  }
}

/** A `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM` form value as a UTC instant, or undefined. */
export function utcInput(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const text = /^\d{4}-\d{2}-\d{2}$/.test(value)
    ? `${value}T00:00:00Z`
    : /Z|[+-]\d\d:\d\d$/.test(value)
      ? value
      : `${value}Z`;
  const at = new Date(text);
  return Number.isNaN(at.getTime()) ? undefined : at;
}
