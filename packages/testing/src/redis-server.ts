// Owns starting a private redis-server, for tests that must do what a shared server cannot
// survive (FLUSHALL, restarts, crashes), with or without an append-only file.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './free-port.ts';

export interface RedisServerHandle {
  readonly url: string;
  readonly port: number;
  /** The server's working directory (its append-only file lives here). */
  readonly dir: string;
  flushAll(): Promise<void>;
  /** Kills the server at once (SIGKILL: no shutdown save, no final fsync), as a crash would. */
  kill(): Promise<void>;
  /** Starts the server again on the same port and directory (it reloads its append-only file). */
  restart(): Promise<void>;
  /** Stops the server (SIGTERM) and removes its directory. */
  stop(): Promise<void>;
}

export interface PrivateRedisOptions {
  /** Append-only file with this fsync policy; false (default): nothing kept on disk. */
  aof?: 'always' | 'everysec' | 'no' | false;
  /** More redis-server arguments, e.g. ['--rename-command', 'CONFIG', ''] to act like managed Redis. */
  args?: readonly string[];
}

export async function startPrivateRedis(options: PrivateRedisOptions = {}): Promise<RedisServerHandle> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'weir-redis-'));
  const persistence = options.aof
    ? ['--appendonly', 'yes', '--appendfsync', options.aof]
    : ['--appendonly', 'no'];
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    ...persistence,
    '--maxmemory-policy',
    'noeviction',
    ...(options.args ?? []),
  ];
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess;
  let client: Redis;
  const launch = async () => {
    child = spawn('redis-server', args, { stdio: 'ignore' });
    client = await waitForServer(url, port);
  };
  const halt = async (signal: NodeJS.Signals) => {
    client.disconnect();
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  };
  await launch();
  return {
    url,
    port,
    dir,
    flushAll: async () => {
      await client.flushall();
    },
    kill: () => halt('SIGKILL'),
    restart: launch,
    stop: async () => {
      await halt('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The historical name: a private server that keeps nothing on disk. */
export function startRedisServer(): Promise<RedisServerHandle> {
  return startPrivateRedis();
}

async function waitForServer(url: string, port: number): Promise<Redis> {
  for (let i = 0; ; i++) {
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
    client.on('error', () => {});
    try {
      await client.connect();
      // A server still loading its append-only file answers LOADING; wait until it is done.
      await client.ping();
      return client;
    } catch (error) {
      client.disconnect();
      if (i > 50) throw new Error(`redis-server did not start on port ${port}: ${(error as Error).message}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
