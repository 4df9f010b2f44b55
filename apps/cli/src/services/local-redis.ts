// Owns finding or starting Redis when REDIS_URL is unset: a server on 127.0.0.1:6379, else a
// redis-server from PATH with its files under WEIR_HOME.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { pingRedis } from '@weir/queue';
import { CliError } from '../errors.ts';
import { freePort, isPortFree } from '../process/ports.ts';

export const LOCAL_REDIS_URL = 'redis://127.0.0.1:6379';

export const HOW_TO_GET_REDIS =
  'Redis 6.2 or newer is required. Install it (Debian/Ubuntu: sudo apt-get install -y redis-server; ' +
  'macOS: brew install redis) or run it with Docker (docker compose up -d redis), or set REDIS_URL';

export async function findLocalRedis(url = LOCAL_REDIS_URL): Promise<string | undefined> {
  return (await pingRedis(url, 2_000)).ok ? url : undefined;
}

export async function findRunningOwnRedis(home: string): Promise<string | undefined> {
  const urlFile = join(home, 'redis', 'url');
  if (!existsSync(urlFile)) return undefined;
  const url = readFileSync(urlFile, 'utf8').trim();
  return (await pingRedis(url, 2_000)).ok ? url : undefined;
}

export interface OwnRedisHandle {
  readonly url: string;
  stop(): Promise<void>;
}

/** Starts redis-server (from PATH) bound to loopback, configured as BullMQ and the event bus need. */
export async function startOwnRedis(home: string, onLog: (line: string) => void): Promise<OwnRedisHandle> {
  const binary = findOnPath('redis-server');
  if (!binary)
    throw new CliError(
      `no Redis answers on 127.0.0.1:6379 and redis-server is not on PATH. ${HOW_TO_GET_REDIS}`,
    );
  const dir = join(home, 'redis');
  mkdirSync(dir, { recursive: true });
  const port = (await isPortFree(6380)) ? 6380 : await freePort();
  const child: ChildProcess = spawn(
    binary,
    // The event bus lives here too: an append-only file fsynced on every write, so an event the
    // collector accepted survives a crash (what it costs: README's Event bus section).
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'yes',
      '--appendfsync',
      'always',
      '--maxmemory-policy',
      'noeviction',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) if (line.trim()) onLog(line.trim());
    });
  }
  const url = `redis://127.0.0.1:${port}`;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  for (let i = 0; i < 50; i++) {
    if ((await pingRedis(url, 500)).ok) {
      const urlFile = join(dir, 'url');
      writeFileSync(urlFile, url);
      return {
        url,
        stop: async () => {
          rmSync(urlFile, { force: true });
          if (child.exitCode === null) {
            child.kill('SIGTERM');
            await exited;
          }
        },
      };
    }
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new CliError(`redis-server (${binary}) did not start on port ${port}; see its log lines above`);
}

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}
