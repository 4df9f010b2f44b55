// Owns the lake's object format for rows: gzip-compressed JSON Lines (one JSON object a line).
import { gunzipSync, gzipSync } from 'node:zlib';
import { LakeError } from './store.ts';

export function encodeJsonlGz(rows: readonly unknown[]): Uint8Array {
  const text = rows.map((row) => `${JSON.stringify(row)}\n`).join('');
  return new Uint8Array(gzipSync(text));
}

export function decodeJsonlGz(body: Uint8Array, where: string): unknown[] {
  let text: string;
  try {
    text = gunzipSync(body).toString('utf8');
  } catch (error) {
    throw new LakeError('LAKE_CORRUPT', `lake: ${where} is not gzip: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const rows: unknown[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    try {
      rows.push(JSON.parse(line));
    } catch (error) {
      throw new LakeError('LAKE_CORRUPT', `lake: line ${index + 1} of ${where} is not JSON`, {
        cause: error,
      });
    }
  }
  return rows;
}
