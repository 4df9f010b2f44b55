// The lake store's contract, run against both kinds: a real local folder and a real S3-protocol
// server (s3rver). Also the raw-zone helpers and the WEIR_LAKE_URL choice.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseConfig } from '@weir/config';
import { type S3ServerHandle, startS3Server } from '@weir/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BusEvent } from '../event/envelope.ts';
import { folderLakeStore } from './file-store.ts';
import { hourInKey, successKey } from './layout.ts';
import { openLakeStore } from './open-store.ts';
import { listProfileSnapshots, parseProfiles, writeProfileSnapshot } from './profiles.ts';
import { isHourClosed, listRawParts, markHourClosed, readRawPart, writeRawPart } from './raw.ts';
import { s3LakeStore } from './s3-store.ts';
import type { LakeStore } from './store.ts';

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (body: Uint8Array | null) => (body === null ? null : new TextDecoder().decode(body));

function event(id: number, serverTs: string): BusEvent {
  return {
    event_id: `00000000-0000-4000-8000-${String(id).padStart(12, '0')}`,
    event_type: 'click',
    user_id: 'u1',
    session_id: null,
    properties: { n: id },
    client_ts: serverTs,
    server_ts: serverTs,
    ingested_at: serverTs,
    app_version: null,
    platform: 'web',
    schema_version: null,
    device_type: null,
    geo_country: null,
  };
}

function conformance(name: string, make: () => LakeStore) {
  describe(`LakeStore conformance: ${name}`, () => {
    let store: LakeStore;
    beforeAll(() => {
      store = make();
    });

    it('puts, gets, tells existence and deletes', async () => {
      expect(await store.get('a/missing')).toBeNull();
      expect(await store.exists('a/missing')).toBe(false);
      await store.put('a/b/one.txt', bytes('first'));
      await store.put('a/b/one.txt', bytes('second')); // replaces
      expect(text(await store.get('a/b/one.txt'))).toBe('second');
      expect(await store.exists('a/b/one.txt')).toBe(true);
      expect(await store.exists('a/b')).toBe(false); // a folder is not an object
      await store.delete('a/b/one.txt');
      await store.delete('a/b/one.txt'); // deleting a missing object is fine
      expect(await store.get('a/b/one.txt')).toBeNull();
    });

    it('lists keys under a prefix, sorted, including partial names', async () => {
      for (const key of ['l/x/2', 'l/x/1', 'l/xy/3', 'l/y/4', 'other/5']) await store.put(key, bytes(key));
      expect(await store.list('l/x/')).toEqual(['l/x/1', 'l/x/2']);
      expect(await store.list('l/x')).toEqual(['l/x/1', 'l/x/2', 'l/xy/3']);
      expect(await store.list('l/')).toEqual(['l/x/1', 'l/x/2', 'l/xy/3', 'l/y/4']);
      expect(await store.list('nothing/')).toEqual([]);
    });

    it('lists more than one page of keys', async () => {
      const keys = Array.from({ length: 250 }, (_, i) => `many/k${String(i).padStart(4, '0')}`);
      for (let i = 0; i < keys.length; i += 50)
        await Promise.all(keys.slice(i, i + 50).map((key) => store.put(key, bytes(''))));
      expect(await store.list('many/')).toEqual(keys);
    });

    it('refuses keys that could escape the base', async () => {
      for (const key of ['../x', '/abs', 'a//b', 'a/./b', 'dir/'])
        await expect(store.put(key, bytes('x'))).rejects.toMatchObject({ code: 'LAKE_BAD_KEY' });
    });

    it('lands raw parts by server_ts hour and marks closed hours', async () => {
      const hour = new Date('2026-03-04T05:00:00.000Z');
      const events = [event(1, '2026-03-04T05:00:00.000Z'), event(2, '2026-03-04T05:59:59.999Z')];
      const key = await writeRawPart(store, hour, events);
      expect(key).toMatch(/^raw\/events\/dt=2026-03-04\/hour=05\/part-[0-9a-f-]{36}\.jsonl\.gz$/);
      expect(hourInKey(key)?.toISOString()).toBe(hour.toISOString());
      await expect(writeRawPart(store, hour, [event(3, '2026-03-04T06:00:00.000Z')])).rejects.toMatchObject({
        code: 'LAKE_BAD_KEY',
      });
      expect(await readRawPart(store, key)).toEqual(events);
      expect(await listRawParts(store, hour)).toEqual([key]);
      expect(await listRawParts(store)).toContain(key);
      expect(await isHourClosed(store, hour)).toBe(false);
      await markHourClosed(store, hour);
      expect(await isHourClosed(store, hour)).toBe(true);
      expect(await store.exists(successKey(hour))).toBe(true);
      expect(await listRawParts(store, hour)).toEqual([key]); // the marker is not a part
    });

    it('keeps profile snapshots in the order they were taken', async () => {
      const older = await writeProfileSnapshot(
        store,
        [{ user_id: 'u1', plan: 'free', signup_date: null }],
        new Date('2026-01-01T00:00:00Z'),
      );
      const newer = await writeProfileSnapshot(
        store,
        [{ user_id: 'u1', plan: 'pro', signup_date: '2025-12-01' }],
        new Date('2026-01-02T00:00:00Z'),
      );
      expect(await listProfileSnapshots(store)).toEqual([older, newer]);
    });
  });
}

let folder: string;
let s3: S3ServerHandle;
beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'weir-lake-store-'));
  s3 = await startS3Server({ buckets: ['lake'] });
});
afterAll(async () => {
  rmSync(folder, { recursive: true, force: true });
  await s3?.stop();
});

conformance('folder', () => folderLakeStore(join(folder, 'lake')));
conformance('s3', () =>
  s3LakeStore(
    {
      bucket: 'lake',
      base: 'base/',
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    },
    s3.client(),
    100,
  ),
);

describe('the folder store', () => {
  it('leaves no temporary file behind a write', async () => {
    const root = join(folder, 'atomic');
    const store = folderLakeStore(root);
    await store.put('d/obj', bytes('x'));
    expect(readdirSync(join(root, 'd'))).toEqual(['obj']);
    expect(store.localPath('d/obj')).toBe(join(root, 'd/obj'));
  });
});

describe('openLakeStore', () => {
  it('uses <WEIR_HOME>/lake by default, a file:// URL, or an s3:// URL', async () => {
    const home = join(folder, 'home');
    const byDefault = openLakeStore(parseConfig({ WEIR_HOME: home }));
    expect(byDefault.describe('k')).toBe(join(home, 'lake', 'k'));
    const byUrl = openLakeStore(parseConfig({ WEIR_LAKE_URL: pathToFileURL(join(folder, 'u')).href }));
    expect(byUrl.describe('k')).toBe(join(folder, 'u', 'k'));
    const onS3 = openLakeStore(
      parseConfig({
        WEIR_LAKE_URL: 's3://lake/via-config',
        S3_ENDPOINT: s3.endpoint,
        S3_ACCESS_KEY_ID: s3.accessKeyId,
        S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
      }),
    );
    expect(onS3.describe('k')).toBe('s3://lake/via-config/k');
    await onS3.put('k', bytes('v'));
    expect(text(await onS3.get('k'))).toBe('v');
  });

  it('names the bucket when it does not exist', async () => {
    const store = openLakeStore(
      parseConfig({
        WEIR_LAKE_URL: 's3://no-such-bucket/',
        S3_ENDPOINT: s3.endpoint,
        S3_ACCESS_KEY_ID: s3.accessKeyId,
        S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
      }),
    );
    await expect(store.exists('k')).rejects.toMatchObject({ code: 'LAKE_BUCKET_NOT_FOUND' });
    await expect(store.put('k', bytes('v'))).rejects.toMatchObject({ code: 'LAKE_BUCKET_NOT_FOUND' });
  });
});

describe('parseProfiles', () => {
  it('reads a JSON array or JSONL and names the bad row', () => {
    const row = { user_id: 'u1', plan: 'pro', signup_date: '2025-01-02' };
    expect(parseProfiles(JSON.stringify([row]))).toEqual([row]);
    expect(
      parseProfiles(`${JSON.stringify(row)}\n\n${JSON.stringify({ ...row, user_id: 'u2' })}\n`),
    ).toHaveLength(2);
    expect(() => parseProfiles(JSON.stringify([row, { ...row, signup_date: 'soon' }]))).toThrow(
      /row 2: signup_date/,
    );
  });
});
