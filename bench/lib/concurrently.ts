// Runs `count` calls of `fn(i)` with at most `concurrency` in flight, as a caller with a
// connection pool would (the REST API serving many triggers at once); stops when `signal` aborts
// or a call fails, and settles only when no call is in flight (so the caller may then close what
// the calls use), rejecting with the first failure.

export async function forEachConcurrently(
  count: number,
  concurrency: number,
  fn: (i: number) => Promise<unknown>,
  signal?: AbortSignal,
): Promise<void> {
  let next = 0;
  let failed = false;
  const lane = async () => {
    while (next < count && !failed) {
      signal?.throwIfAborted();
      try {
        await fn(next++);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const lanes = await Promise.allSettled(Array.from({ length: Math.min(concurrency, count) }, lane));
  const rejected = lanes.find((l): l is PromiseRejectedResult => l.status === 'rejected');
  if (rejected) throw rejected.reason;
}
