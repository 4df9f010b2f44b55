// Owns what every built-in sensor shares: the poke function's type, and options that may be a
// value or a function of the task's context (to depend on the run's logical date or params).
import type { TaskContext } from '../context.ts';

/**
 * A function to pass to `d.sensor`: it resolves to a falsy value for "not yet" or to the
 * sensor's output.
 */
export type SensorPoke<R, P = Record<string, unknown>> = (ctx: TaskContext<P>) => Promise<R | false>;

/** A value, or a function of the task's context computing it at each poke. */
export type FromContext<T, P = Record<string, unknown>> = T | ((ctx: TaskContext<P>) => T | Promise<T>);

export async function fromContext<T, P>(value: FromContext<T, P>, ctx: TaskContext<P>): Promise<T> {
  return typeof value === 'function' ? await (value as (ctx: TaskContext<P>) => T | Promise<T>)(ctx) : value;
}
