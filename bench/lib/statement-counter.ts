// Counts the statements this process sends to PostgreSQL, by wrapping node-postgres's
// Client#query (Prisma's driver adapter sends everything through it, BEGIN and COMMIT too).
// Bench-only instrumentation: installed around one measurement, then removed.
import pg from 'pg';

type Query = (...args: unknown[]) => unknown;

export class StatementCounter {
  private count = 0;
  private original: Query | undefined;

  install(): void {
    const proto = pg.Client.prototype as unknown as { query: Query };
    const original = proto.query;
    this.original = original;
    const counter = this;
    proto.query = function (this: unknown, ...args: unknown[]) {
      counter.count++;
      return original.apply(this, args);
    };
  }

  uninstall(): void {
    if (this.original) (pg.Client.prototype as unknown as { query: Query }).query = this.original;
    this.original = undefined;
  }

  get value(): number {
    return this.count;
  }
}
