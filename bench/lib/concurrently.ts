// Runs `count` calls of `fn(i)` with at most `concurrency` in flight, as a caller with a
// connection pool would (the REST API serving many triggers at once); stops when `signal` aborts.

export async function forEachConcurrently(
  count: number,
  concurrency: number,
  fn: (i: number) => Promise<unknown>,
  signal?: AbortSignal,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count) {
      signal?.throwIfAborted();
      await fn(next++);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
}
