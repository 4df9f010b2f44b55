// The collector's throughput: the real `weir collector` HTTP server (startCollectorServer) on the
// real Redis Streams bus under the bench's key prefix, a write key of an EventSources row in the
// bench database and the schema registry's validator, fed batches of 100 valid events by several
// keep-alive clients for a fixed time. Reports accepted events/s and request latency. Baseline in
// the same run: the same payloads XADDed to the same Redis in pipelines of 100 by as many
// clients, so the report shows what the HTTP layer, validation and enrichment cost. The clients
// run in this process (as the baseline's do), so both sides pay for their client on the same cores.
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { createRawSql } from '@weir/db';
import {
  CachedSources,
  EventSources,
  eventBusKeyPrefix,
  openEventBus,
  RegistryPropertiesValidator,
  startCollectorServer,
} from '@weir/pipeline';
import { createRedis, streamKeys } from '@weir/queue';
import type { BenchEnvironment } from './lib/environment.ts';
import { percentile, round } from './lib/stats.ts';

export interface CollectorResult {
  batch_size: number;
  clients: number;
  duration_s: number;
  partitions: number;
  events_per_s: number;
  requests: number;
  accepted_events: number;
  /** Entries on the bus's partition streams after the run: must equal the accepted events. */
  on_bus_events: number;
  /** Requests not answered 200 with every event accepted (429, 503, …): none is expected. */
  failed_requests: number;
  first_failure: string | null;
  p50_request_ms: number | null;
  p99_request_ms: number | null;
  baseline_xadd_events_per_s: number;
  baseline_p99_batch_ms: number | null;
  /** Collector events/s ÷ raw XADD events/s. */
  ratio: number | null;
}

const BATCH = 100;
const CLIENTS = 8;
const DURATION_MS = 8_000;
const PARTITIONS = 8;
/** Distinct bodies cycled through, so building JSON is not part of the measured loop. */
const BODIES = 64;

function batchOf(n: number): Record<string, unknown>[] {
  return Array.from({ length: BATCH }, (_, i) => ({
    event_id: randomUUID(),
    event_type: ['page_view', 'click', 'purchase'][i % 3],
    user_id: `user-${(n * BATCH + i) % 5_000}`,
    properties: { path: '/pricing', position: i },
    client_ts: new Date(Date.now() - i * 1000).toISOString(),
    platform: 'web',
    app_version: '1.4.2',
  }));
}

/** Runs `lane` in `clients` loops until `durationMs` has passed; returns each call's latency. */
async function forDuration(
  clients: number,
  durationMs: number,
  lane: (n: number) => Promise<void>,
  signal: AbortSignal,
): Promise<{ latencies: number[]; elapsedMs: number }> {
  const latencies: number[] = [];
  const started = performance.now();
  const end = started + durationMs;
  let n = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < end) {
        signal.throwIfAborted();
        const began = performance.now();
        await lane(n++);
        latencies.push(performance.now() - began);
      }
    }),
  );
  return { latencies, elapsedMs: performance.now() - started };
}

function post(agent: Agent, url: URL, key: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          authorization: `Bearer ${key}`,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export async function measureCollector(
  bench: BenchEnvironment,
  signal: AbortSignal,
): Promise<CollectorResult> {
  const batches = Array.from({ length: BODIES }, (_, n) => batchOf(n));
  const bodies = batches.map((b) => JSON.stringify(b));
  const redis = createRedis(bench.redisUrl);
  const keyPrefix = eventBusKeyPrefix(bench.prefix);
  const dropStreams = async () => {
    const keys = await redis.keys(`${keyPrefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  };

  // Baseline first, while the collector holds nothing: the same events' JSON, 100 XADDs per
  // pipeline, to one stream per batch as the collector's partitions would spread them.
  const payloads = batches.map((b) => b.map((e) => JSON.stringify(e)));
  const base = await forDuration(
    CLIENTS,
    DURATION_MS,
    async (n) => {
      const pipeline = redis.pipeline();
      const stream = `${keyPrefix}:baseline:${n % PARTITIONS}`;
      for (const p of payloads[n % BODIES] as string[]) pipeline.xadd(stream, '*', 'e', p);
      const replies = (await pipeline.exec()) ?? [];
      const failed = replies.find(([error]) => error);
      if (failed) throw failed[0];
    },
    signal,
  );
  const baselineCount = base.latencies.length * BATCH;
  await dropStreams();

  const sql = createRawSql(bench.databaseUrl);
  const bus = openEventBus(
    { eventBus: { url: undefined, partitions: PARTITIONS }, queuePrefix: bench.prefix },
    bench.redisUrl,
  );
  const validator = new RegistryPropertiesValidator(sql);
  await validator.start();
  const sources = new EventSources(sql);
  const { writeKey } = await sources.create({ name: `bench-${process.pid}` });
  const server = await startCollectorServer(
    { bus, sources: new CachedSources(sources), validator },
    { port: 0, host: '127.0.0.1' },
  );
  const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
  const url = new URL(`${server.url}/api/v1/events`);
  let accepted = 0;
  let failedRequests = 0;
  let firstFailure: string | null = null;
  try {
    // A short warm-up: JIT, the key cache, the bus's script load.
    for (let i = 0; i < 20; i++) await post(agent, url, writeKey, bodies[i % BODIES] as string);
    await dropStreams();
    const run = await forDuration(
      CLIENTS,
      DURATION_MS,
      async (n) => {
        const answer = await post(agent, url, writeKey, bodies[n % BODIES] as string);
        const count = answer.status === 200 ? ((JSON.parse(answer.text).accepted as number) ?? 0) : 0;
        accepted += count;
        if (count !== BATCH) {
          failedRequests++;
          firstFailure ??= `${answer.status}: ${answer.text.slice(0, 200)}`;
        }
      },
      signal,
    );
    // Accepted means stored: count what is on the partitions' streams.
    const keys = streamKeys(keyPrefix);
    let onBus = 0;
    for (let p = 0; p < PARTITIONS; p++) onBus += await redis.xlen(keys.partition(p));
    const eventsPerS = accepted / (run.elapsedMs / 1000);
    const baselinePerS = baselineCount / (base.elapsedMs / 1000);
    return {
      batch_size: BATCH,
      clients: CLIENTS,
      duration_s: DURATION_MS / 1000,
      partitions: PARTITIONS,
      events_per_s: Math.round(eventsPerS),
      requests: run.latencies.length,
      accepted_events: accepted,
      on_bus_events: onBus,
      failed_requests: failedRequests,
      first_failure: firstFailure,
      p50_request_ms: round(percentile(run.latencies, 50)),
      p99_request_ms: round(percentile(run.latencies, 99)),
      baseline_xadd_events_per_s: Math.round(baselinePerS),
      baseline_p99_batch_ms: round(percentile(base.latencies, 99)),
      ratio: round(eventsPerS / baselinePerS),
    };
  } finally {
    agent.destroy();
    await server.close();
    validator.stop();
    await bus.close();
    await sql.end();
    await dropStreams().catch(() => undefined);
    redis.disconnect();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { BenchEnvironment } = await import('./lib/environment.ts');
  const env = await BenchEnvironment.open('collector');
  try {
    console.log(await measureCollector(env, new AbortController().signal));
  } finally {
    await env.close();
  }
}
