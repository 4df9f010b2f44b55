import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pingDatabase } from '@weir/db/tooling';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../process/ports.ts';
import { findLocalPostgres, findRunningEmbeddedPostgres, startEmbeddedPostgres } from './local-postgres.ts';

describe('embedded PostgreSQL (the fallback when nothing answers on 5432)', () => {
  const home = mkdtempSync(join(tmpdir(), 'weir-home-'));
  // As root the server runs as user postgres, which must be able to reach the folder, as under ./.weir.
  chmodSync(home, 0o755);
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('finds no local server on an address where none listens', async () => {
    expect(await findLocalPostgres({ host: '127.0.0.1', port: await freePort() })).toBeUndefined();
  });

  it('initialises a cluster, serves a "weir" database, and keeps its data across restarts', async () => {
    const lines: string[] = [];
    const first = await startEmbeddedPostgres(home, (line) => lines.push(line));
    try {
      expect(first.url).toMatch(/^postgresql:\/\/postgres@127\.0\.0\.1:\d+\/weir$/);
      expect(lines.join('\n')).toContain('initialising a new cluster');
      const ping = await pingDatabase(first.url);
      expect(ping.ok).toBe(true);
      expect(await findRunningEmbeddedPostgres(home)).toBe(first.url);
    } finally {
      await first.stop();
    }
    expect((await pingDatabase(first.url, 1_000)).ok).toBe(false);
    expect(await findRunningEmbeddedPostgres(home)).toBeUndefined();

    const again: string[] = [];
    const second = await startEmbeddedPostgres(home, (line) => again.push(line));
    try {
      expect(again.join('\n')).not.toContain('initialising a new cluster');
      expect((await pingDatabase(second.url)).ok).toBe(true);
    } finally {
      await second.stop();
    }
  });
});
