// Owns task code's side of lookups: ctx.variable and ctx.connection become Lookups the worker
// answers (from the environment, then PostgreSQL), and its replies values or errors again.
// Whatever secret a reply holds is also added to `masker`, so the executor hides it in what the
// task prints before it leaves the process.
import { type ContextLookups, contextLookups } from '@weir/sdk';
import type { SecretMasker } from '@weir/secrets';
import type { Lookup, LookupReply } from './protocol.ts';

export interface LookupChannel {
  ask(lookup: Lookup): Promise<LookupReply>;
  mask(value: string): void;
}

export function lookupClient(channel: LookupChannel, masker?: SecretMasker): ContextLookups {
  return contextLookups({
    async variable(key) {
      const reply = expect(await channel.ask({ kind: 'variable', key }), 'variable');
      if (reply.found) masker?.addVariable(key, reply.value);
      return reply.found ? { found: true, value: reply.value } : { found: false };
    },
    async connection(id) {
      const reply = expect(await channel.ask({ kind: 'connection', id }), 'connection');
      if (reply.connection) masker?.addConnection(reply.connection);
      return reply.connection;
    },
    mask(value) {
      masker?.add(value);
      channel.mask(value);
    },
  });
}

function expect<K extends 'variable' | 'connection'>(
  reply: LookupReply,
  kind: K,
): Extract<LookupReply, { kind: K }> {
  if (reply.kind === 'error') throw new Error(reply.message);
  if (reply.kind !== kind) throw new Error(`the worker answered a ${kind} lookup with a ${reply.kind}`);
  return reply as Extract<LookupReply, { kind: K }>;
}
