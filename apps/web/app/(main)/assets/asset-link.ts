// Owns the URL of an asset's page: its uri as one encoded path segment (uris hold '/' and ':'),
// read back by the catch-all route whether the segments arrive split or not.

export function assetHref(uri: string): string {
  return `/assets/${encodeURIComponent(uri)}`;
}

export function assetUriOf(segments: readonly string[]): string {
  const joined = segments.join('/');
  try {
    return decodeURIComponent(joined);
  } catch {
    return joined;
  }
}
