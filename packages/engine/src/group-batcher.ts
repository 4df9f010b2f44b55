// Owns group commit for the per-try statements a worker sends (claim, finish, the after-finish
// check): requests that arrive while a batch is in flight go out together in the next one, as
// one statement and one commit. An idle batcher sends a request at once, so a lone task (a
// chain's hop) waits for nothing; under load (a mapped task at concurrency 50) fifty tries
// share a round trip and a WAL flush instead of paying one each.

export class GroupBatcher<Req, Res> {
  private pending: { request: Req; resolve: (r: Res) => void; reject: (e: unknown) => void }[] = [];
  private inFlight = 0;

  /** `run` answers a batch in request order. */
  constructor(
    private readonly run: (requests: Req[]) => Promise<Res[]>,
    private readonly options: { maxInFlight?: number; maxBatch?: number } = {},
  ) {}

  submit(request: Req): Promise<Res> {
    return new Promise<Res>((resolve, reject) => {
      this.pending.push({ request, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    const maxInFlight = this.options.maxInFlight ?? 2;
    const maxBatch = this.options.maxBatch ?? 200;
    while (this.inFlight < maxInFlight && this.pending.length > 0) {
      const batch = this.pending.splice(0, maxBatch);
      this.inFlight++;
      this.run(batch.map((b) => b.request))
        .then(
          (results) => {
            if (results.length !== batch.length) {
              const error = new Error(`a batch of ${batch.length} got ${results.length} answers`);
              for (const b of batch) b.reject(error);
              return;
            }
            for (const [i, b] of batch.entries()) b.resolve(results[i] as Res);
          },
          (error: unknown) => {
            for (const b of batch) b.reject(error);
          },
        )
        .finally(() => {
          this.inFlight--;
          this.pump();
        });
    }
  }
}
