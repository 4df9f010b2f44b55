'use server';
// Owns the Pools page's changes (admins): create, resize and delete, through the same engine
// functions as `weir pools set|delete` and the REST API, each written to the audit log.
import { deletePool, setPool } from '@weir/engine';
import { adminAction, adminButton, FieldProblem, text } from '../../../lib/admin-action.ts';
import type { FormState } from '../../../lib/form-state.ts';
import { services } from '../../../lib/services.ts';

const PATHS = ['/pools', '/'];

function slots(form: FormData): number {
  const raw = text(form, 'slots');
  const n = Number(raw);
  if (raw === null || !/^\d+$/.test(raw) || !Number.isSafeInteger(n))
    throw new FieldProblem('slots', 'must be a whole number, 0 or more');
  return n;
}

export async function setPoolAction(previous: FormState, form: FormData): Promise<FormState> {
  return adminAction(
    'pool.manage',
    previous,
    form,
    { paths: PATHS, fieldOf: { INVALID_POOL: 'name' } },
    async () => {
      const name = text(form, 'name');
      if (!name) throw new FieldProblem('name', 'a pool needs a name');
      const count = slots(form);
      const description = text(form, 'description');
      const created = await setPool(
        services().db,
        { name, slots: count, ...(description !== null ? { description } : {}) },
        new Date(),
      );
      return {
        action: 'pool.set',
        details: { pool: name, slots: count, created },
        message: `Pool ${name} ${created ? 'created with' : 'now has'} ${count} slot${count === 1 ? '' : 's'}.`,
      };
    },
  );
}

export async function deletePoolAction(form: FormData): Promise<void> {
  const name = String(form.get('name') ?? '');
  await adminButton('pool.manage', PATHS, async () => {
    await deletePool(services().db, name, new Date());
    return { action: 'pool.delete', details: { pool: name } };
  });
}
