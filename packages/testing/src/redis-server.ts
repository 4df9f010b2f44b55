// Owns starting a private redis-server, for tests that must do what a shared server cannot
// survive (FLUSHALL, restarts).
import { spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort } from './free-port.ts';

export interface RedisServerHandle {
  readonly url: string;
  flushAll(): Promise<void>;
  stop(): Promise<void>;
}

export async function startRedisServer(): Promise<RedisServerHandle> {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--maxmemory-policy',
      'noeviction',
    ],
    {
      stdio: 'ignore',
    },
  );
  const url = `redis://127.0.0.1:${port}`;
  let client: Redis;
  for (let i = 0; ; i++) {
    client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.ping();
      break;
    } catch (error) {
      client.disconnect();
      if (i > 50) throw new Error(`redis-server did not start on port ${port}: ${(error as Error).message}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    url,
    flushAll: async () => {
      await client.flushall();
    },
    stop: async () => {
      client.disconnect();
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
