import { dag, type SerializedDag, serializeDag, z } from '@weir/sdk';
import { describe, expect, it } from 'vitest';
import { resolveConf } from './conf.ts';
import { EngineError } from './errors.ts';

const withParams = (params?: z.ZodType): SerializedDag =>
  serializeDag(dag({ id: 'p', ...(params ? { params } : {}) }, (d) => void d.task('t', async () => 1)));

const refusal = (run: () => unknown): EngineError => {
  try {
    run();
  } catch (error) {
    if (error instanceof EngineError) return error;
    throw error;
  }
  throw new Error('conf was accepted');
};

describe('resolveConf', () => {
  const strict = withParams(
    z.object({ limit: z.number().int().default(10), region: z.enum(['eu', 'us']).default('eu') }),
  );

  it('applies defaults under the given keys', () => {
    expect(resolveConf(strict, { limit: 3 })).toEqual({ limit: 3, region: 'eu' });
  });

  it('refuses keys the params do not declare, naming them', () => {
    const error = refusal(() => resolveConf(strict, { limit: 3, regoin: 'us', extra: 1 }));
    expect(error.code).toBe('INVALID_CONF');
    expect(error.message).toBe(
      `conf for DAG "p" has keys its params do not declare: extra, regoin (declared: limit, region); declare them in the DAG's params, or let the params take extra keys (z.looseObject or .catchall)`,
    );
    expect(refusal(() => resolveConf(strict, { limt: 1 })).message).toMatch(
      /^conf for DAG "p" has a key its params do not declare: limt \(declared: limit, region\); declare it/,
    );
  });

  it('takes extra keys when the params schema allows them', () => {
    const loose = withParams(z.looseObject({ limit: z.number().default(10) }));
    expect(resolveConf(loose, { note: 'hi' })).toEqual({ limit: 10, note: 'hi' });
    const passthrough = withParams(z.object({ limit: z.number().default(10) }).passthrough());
    expect(resolveConf(passthrough, { note: 'hi' })).toEqual({ limit: 10, note: 'hi' });
  });

  it('validates extra keys against a catchall schema', () => {
    const catchall = withParams(z.object({ limit: z.number().default(10) }).catchall(z.string()));
    expect(resolveConf(catchall, { note: 'hi' })).toEqual({ limit: 10, note: 'hi' });
    expect(refusal(() => resolveConf(catchall, { note: 5 })).message).toMatch(
      /^conf for DAG "p" does not match its params: note: /,
    );
  });

  it('leaves conf free-form for a DAG without params', () => {
    expect(resolveConf(withParams(), { anything: [1] })).toEqual({ anything: [1] });
  });
});
