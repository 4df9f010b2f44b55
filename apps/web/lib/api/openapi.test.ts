// The OpenAPI document against the route files: OpenAPI 3.1, every route file's every method in
// it (found by walking app/api/v1), each route file serving the registry entry of its own path
// and method, and every $ref resolving.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from './openapi.ts';
import { ROUTES, routes } from './registry.ts';

const API_ROOT = fileURLToPath(new URL('../../app/api/v1/', import.meta.url));

interface RouteFile {
  readonly path: string;
  readonly file: string;
  /** method → the registry key its handler is built from */
  readonly handlers: Map<string, string>;
}

function routeFiles(dir = API_ROOT): RouteFile[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) return routeFiles(full);
    if (entry.name !== 'route.ts') return [];
    const segments = relative(API_ROOT, dir).split(/[\\/]/).filter(Boolean);
    const path = `/api/v1/${segments.map((s) => s.replace(/^\[(\w+)\]$/, '{$1}')).join('/')}`;
    const text = readFileSync(full, 'utf8');
    const handlers = new Map<string, string>();
    // A streaming route cannot be built with handle(): it names its registry entry instead.
    const named = [...text.matchAll(/routes\.(\w+)/g)].map((m) => m[1] as string);
    for (const m of text.matchAll(
      /export\s+(?:const|async\s+function|function)\s+(GET|POST|PUT|PATCH|DELETE)\b(?:\s*=\s*handle\(\s*routes\.(\w+))?/g,
    )) {
      const method = m[1] as string;
      const key =
        m[2] ?? named.find((k) => (routes as Record<string, { method: string }>)[k]?.method === method);
      handlers.set(method, key ?? '(not built from the registry)');
    }
    return [{ path, file: relative(API_ROOT, full), handlers }];
  });
}

describe('the OpenAPI document', () => {
  const doc = openApiDocument() as {
    openapi: string;
    paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown> }>>;
    components: { schemas: Record<string, unknown> };
  };
  const files = routeFiles();

  it('is OpenAPI 3.1 with every registry route', () => {
    expect(doc.openapi).toBe('3.1.0');
    for (const spec of ROUTES) {
      const operation = doc.paths[spec.path]?.[spec.method.toLowerCase()];
      expect(operation, `${spec.method} ${spec.path}`).toBeDefined();
      expect(operation?.operationId).toBe(spec.operationId);
      expect(Object.keys(operation?.responses ?? {})).toEqual(
        expect.arrayContaining([
          String(spec.status ?? 200),
          ...(spec.permission === 'public' ? [] : ['401', '403']),
        ]),
      );
    }
  });

  it('lists every method of every route file under app/api/v1, served from its own registry entry', () => {
    expect(files.length).toBeGreaterThanOrEqual(20);
    for (const { path, file, handlers } of files) {
      expect(handlers.size, `${file} exports no handler`).toBeGreaterThan(0);
      for (const [method, key] of handlers) {
        expect(doc.paths[path]?.[method.toLowerCase()], `${method} ${path} (${file})`).toBeDefined();
        const spec = (routes as Record<string, { method: string; path: string } | undefined>)[key];
        expect(spec, `${file}: ${method} is ${key}`).toBeDefined();
        expect(`${spec?.method} ${spec?.path}`, file).toBe(`${method} ${path}`);
      }
    }
    // And nothing is documented that no file serves.
    const served = new Set(files.flatMap((f) => [...f.handlers.keys()].map((m) => `${m} ${f.path}`)));
    for (const spec of ROUTES)
      expect(served, `${spec.method} ${spec.path}`).toContain(`${spec.method} ${spec.path}`);
  });

  it('resolves every $ref to a component schema', () => {
    const refs = JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g);
    const names = [...refs].map((m) => m[1] as string);
    expect(names.length).toBeGreaterThan(ROUTES.length);
    for (const name of names) expect(doc.components.schemas, name).toHaveProperty(name);
    expect(JSON.stringify(doc)).not.toContain('"#/$defs/');
  });

  it('describes dates as date-time strings and paging as limit and cursor', () => {
    const run = doc.components.schemas.DagRun as {
      properties: Record<string, { type?: unknown; format?: string }>;
    };
    expect(run.properties.logicalDate).toMatchObject({ type: 'string', format: 'date-time' });
    const list = doc.paths['/api/v1/dagRuns']?.get as unknown as {
      parameters: { name: string; schema: { default?: number; maximum?: number } }[];
    };
    expect(list.parameters.map((p) => p.name)).toEqual(
      expect.arrayContaining(['limit', 'cursor', 'state', 'dag_id']),
    );
    expect(list.parameters.find((p) => p.name === 'limit')?.schema).toMatchObject({
      default: 25,
      maximum: 1000,
    });
  });
});
