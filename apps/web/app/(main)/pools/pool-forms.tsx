'use client';
// Owns the pool forms (admins): a new pool, and resizing one in its row.
import { AdminForm, Field } from '../../../components/admin-form.tsx';
import { setPoolAction } from './actions.ts';

export function NewPoolForm() {
  return (
    <AdminForm action={setPoolAction} submit="Create pool" pending="Saving…">
      {(state) => (
        <div className="form-row">
          <Field id="pool-name" label="Name" error={state.fields.name}>
            <input id="pool-name" name="name" defaultValue={state.values.name ?? ''} autoComplete="off" />
          </Field>
          <Field id="pool-slots" label="Slots" error={state.fields.slots}>
            <input
              id="pool-slots"
              name="slots"
              inputMode="numeric"
              className="narrow"
              defaultValue={state.values.slots ?? ''}
            />
          </Field>
          <Field id="pool-description" label="Description">
            <input id="pool-description" name="description" defaultValue={state.values.description ?? ''} />
          </Field>
        </div>
      )}
    </AdminForm>
  );
}

export function ResizePoolForm({ name, slots }: { readonly name: string; readonly slots: number }) {
  return (
    <AdminForm action={setPoolAction} submit="Resize" pending="…" className="resize-form">
      {(state) => (
        <>
          <input type="hidden" name="name" value={name} />
          <input
            name="slots"
            inputMode="numeric"
            className="narrow"
            aria-label={`Slots of ${name}`}
            defaultValue={state.values.slots ?? String(slots)}
            aria-invalid={state.fields.slots ? true : undefined}
          />
          {state.fields.slots ? <span className="field-error">{state.fields.slots}</span> : null}
        </>
      )}
    </AdminForm>
  );
}
