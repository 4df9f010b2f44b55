// Owns the worker's side of task code's lookups: an executor's Lookup answered from the
// environment, then PostgreSQL (TaskLookups), with the secret parts of every answer (a
// connection's password, a variable whose key names a secret) added to the worker's masker
// before the reply leaves, so they are hidden in every log line and error from then on.
import type { TaskLookups } from '@weir/engine';
import type { ContextLookups } from '@weir/sdk';
import type { SecretMasker } from '@weir/secrets';
import type { InvocationHost } from './executors/executor.ts';
import { lookupClient } from './executors/lookup-client.ts';
import type { Lookup, LookupReply } from './executors/protocol.ts';

/** What the worker's tries share: where lookups are answered, and the one masker of the worker. */
export interface TaskSecrets {
  readonly lookups: TaskLookups;
  readonly masker: SecretMasker;
}

export async function answerLookup(secrets: TaskSecrets, lookup: Lookup): Promise<LookupReply> {
  try {
    switch (lookup.kind) {
      case 'variable': {
        const got = await secrets.lookups.variable(lookup.key);
        if (!got.found) return { kind: 'variable', found: false };
        secrets.masker.addVariable(lookup.key, got.value);
        return { kind: 'variable', found: true, value: got.value };
      }
      case 'connection': {
        const connection = await secrets.lookups.connection(lookup.id);
        if (connection) secrets.masker.addConnection(connection);
        return { kind: 'connection', connection };
      }
      default:
        return { kind: 'error', message: `unknown lookup ${JSON.stringify(lookup satisfies never)}` };
    }
  } catch (error) {
    const what = lookup.kind === 'variable' ? `variable "${lookup.key}"` : `connection "${lookup.id}"`;
    const message = firstLine(error instanceof Error ? error.message : String(error));
    return { kind: 'error', message: secrets.masker.mask(`could not read ${what}: ${message}`) };
  }
}

/** The host of one invocation: its lines go to `log`, its lookups and masks to the worker's secrets. */
export function invocationHost(
  secrets: TaskSecrets,
  log: (level: string, message: string, fields?: Record<string, unknown>) => void,
): InvocationHost {
  return {
    log,
    lookup: (lookup) => answerLookup(secrets, lookup),
    mask: (value) => {
      if (typeof value === 'string') secrets.masker.add(value);
    },
  };
}

/** ctx.variable, ctx.connection and ctx.mask answered in this process (`weir tasks test`). */
export function inProcessLookups(secrets: TaskSecrets): ContextLookups {
  return lookupClient({
    ask: (lookup) => answerLookup(secrets, lookup),
    mask: (value) => void secrets.masker.add(value),
  });
}

/** Fields of a log line with their secrets masked (a secret may sit in any string of them). */
export function maskFields(
  masker: SecretMasker,
  fields: Record<string, unknown> | undefined,
): Record<string, unknown> | undefined {
  if (!fields || masker.size === 0) return fields;
  try {
    return JSON.parse(masker.mask(JSON.stringify(fields))) as Record<string, unknown>;
  } catch {
    return { fields: masker.mask(String(fields)) };
  }
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0] ?? '';
}
