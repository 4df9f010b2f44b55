// Checks docker-compose.yml and the Dockerfile at the repository root without running Docker:
// the services exist, publish their ports, have healthchecks, start in the right order and
// reach each other by service name. Each failure message says what to change.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SECRET_KEY_PLACEHOLDER } from '@weir/config';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const composePath = fileURLToPath(new URL('../../../../docker-compose.yml', import.meta.url));
const dockerfilePath = fileURLToPath(new URL('../../../../Dockerfile', import.meta.url));

type Service = Record<string, unknown>;
interface Compose {
  services: Record<string, Service>;
}

const LONG_RUNNING = ['redis', 'postgres', 'minio', 'mailpit', 'web', 'scheduler', 'worker'];
const WEIR_PROCESSES = ['scheduler', 'worker', 'web'];
const BUCKET_INIT_NAMES = ['minio-init', 'createbuckets'];

let compose: Compose;

function service(name: string): Service {
  const found = compose.services[name];
  expect(found, `docker-compose.yml has no service "${name}"`).toBeDefined();
  return found as Service;
}

function bucketInitName(): string {
  const name = BUCKET_INIT_NAMES.find((n) => n in compose.services);
  expect(
    name,
    `docker-compose.yml needs a service (${BUCKET_INIT_NAMES.join(' or ')}) that creates the bucket`,
  ).toBeDefined();
  return name as string;
}

/** `${VAR:-default}` and `${VAR-default}` become their defaults, `$$` becomes `$`: what Compose runs with an empty environment. */
function withDefaults(value: string): string {
  return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(:?-)([^}]*)\}/g, (match, _name, _op, fallback) =>
    match === '$$' ? '$' : (fallback as string),
  );
}

/** Every string value in the file with the path to it, for messages. */
function* strings(value: unknown, path: string): Generator<[string, string]> {
  if (typeof value === 'string') yield [path, value];
  else if (Array.isArray(value))
    for (const [i, item] of value.entries()) yield* strings(item, `${path}[${i}]`);
  else if (value !== null && typeof value === 'object')
    for (const [key, item] of Object.entries(value)) yield* strings(item, path ? `${path}.${key}` : key);
}

/** Problems with Compose interpolation in one string: variables without a default, stray `$`. */
function interpolationProblems(path: string, value: string): string[] {
  const problems: string[] = [];
  for (const match of value.matchAll(/\$(\$|\{[^}]*\}?|[A-Za-z_][A-Za-z0-9_]*|)/g)) {
    const token = match[0];
    if (token === '$$') continue;
    if (/^\$\{[A-Za-z_][A-Za-z0-9_]*:?-[^}]*\}$/.test(token)) continue;
    if (token.startsWith('${') || /^\$[A-Za-z_]/.test(token))
      problems.push(
        `${path}: ${token} has no default; write \${NAME:-default} so "docker compose up" works without a .env` +
          ' (or $$ if the container, not Compose, should expand it)',
      );
    else problems.push(`${path}: a lone "$" in "${value}"; write $$ for a literal dollar sign`);
  }
  return problems;
}

function environment(svc: Service): Record<string, string> {
  const env = svc.environment;
  if (Array.isArray(env))
    return Object.fromEntries(
      env.map((entry: string) => {
        const at = entry.indexOf('=');
        return at < 0 ? [entry, ''] : [entry.slice(0, at), entry.slice(at + 1)];
      }),
    );
  if (env && typeof env === 'object')
    return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null ? '' : String(v)]));
  return {};
}

interface PortMapping {
  target: number;
  published: string | undefined;
}

function ports(svc: Service): PortMapping[] {
  const list = (svc.ports ?? []) as unknown[];
  return list.map((entry) => {
    if (entry !== null && typeof entry === 'object') {
      const long = entry as { target?: unknown; published?: unknown };
      return {
        target: Number(long.target),
        published: long.published === undefined ? undefined : String(long.published),
      };
    }
    // Short syntax: [[host_ip:]published:]target[/protocol]; host_ip may be [::1].
    const spec = withDefaults(String(entry)).replace(/\/(tcp|udp|sctp)$/, '');
    const parts = spec.replace(/^\[[^\]]*\]:/, '').split(':');
    const target = Number(parts.at(-1));
    return { target, published: parts.length >= 2 ? parts.at(-2) : undefined };
  });
}

function commandText(svc: Service): string {
  const command = svc.command;
  return Array.isArray(command) ? command.join(' ') : String(command ?? '');
}

function dependsOn(svc: Service): Record<string, string> {
  const deps = svc.depends_on;
  // The list form means condition service_started for every entry.
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((name: string) => [name, 'service_started']));
  if (deps && typeof deps === 'object')
    return Object.fromEntries(
      Object.entries(deps as Record<string, { condition?: string } | null>).map(([name, d]) => [
        name,
        d?.condition ?? 'service_started',
      ]),
    );
  return {};
}

/** The parsed file; `merge: true` resolves `<<: *anchor` the way Docker Compose does. */
function readCompose(): unknown {
  try {
    return parse(readFileSync(composePath, 'utf8'), { merge: true });
  } catch (error) {
    throw new Error(`docker-compose.yml is not valid YAML: ${(error as Error).message}`);
  }
}

beforeAll(() => {
  expect(existsSync(composePath), `docker-compose.yml not found at ${composePath}`).toBe(true);
  compose = readCompose() as Compose;
  expect(compose?.services, 'docker-compose.yml has no top-level "services:" mapping').toBeTypeOf('object');
});

describe('docker-compose.yml', () => {
  it('defines every service Weir needs', () => {
    const expected = ['redis', 'postgres', 'minio', 'mailpit', 'migrate', 'scheduler', 'worker', 'web'];
    const missing = expected.filter((name) => !(name in compose.services));
    expect(
      missing,
      `services missing from docker-compose.yml (found: ${Object.keys(compose.services).join(', ')})`,
    ).toEqual([]);
    bucketInitName();
  });

  it('runs Redis with maxmemory-policy noeviction (BullMQ loses jobs otherwise)', () => {
    expect(
      commandText(service('redis')),
      'redis must be started with "--maxmemory-policy noeviction" in its command',
    ).toMatch(/--maxmemory-policy[ =]noeviction/);
  });

  it('publishes the ports users connect to', () => {
    const expected: Array<[string, number]> = [
      ['redis', 6379],
      ['postgres', 5432],
      ['minio', 9000],
      ['mailpit', 1025],
      ['mailpit', 8025],
      ['web', 3000],
    ];
    const problems = expected.flatMap(([name, port]) => {
      const mappings = ports(service(name));
      return mappings.some((m) => m.target === port && m.published !== undefined)
        ? []
        : [
            `${name} does not publish container port ${port} (ports: ${JSON.stringify(service(name).ports ?? [])})`,
          ];
    });
    expect(problems, 'missing port mappings').toEqual([]);
  });

  it('gives every long-running service a healthcheck', () => {
    const problems = LONG_RUNNING.flatMap((name) => {
      const healthcheck = service(name).healthcheck as { test?: unknown; disable?: boolean } | undefined;
      const test = healthcheck?.test;
      if (!healthcheck) return [`${name} has no healthcheck`];
      if (healthcheck.disable === true) return [`${name} has its healthcheck disabled`];
      if (test === undefined || test === '' || (Array.isArray(test) && test.length < 2))
        return [`${name}'s healthcheck has no "test" command`];
      if (Array.isArray(test) && test[0] === 'NONE') return [`${name}'s healthcheck test is NONE (disabled)`];
      return [];
    });
    expect(
      problems,
      'services without a working healthcheck (depends_on: service_healthy needs one)',
    ).toEqual([]);
  });

  it('builds scheduler, worker, web and migrate from the repository Dockerfile', () => {
    const composeDir = dirname(composePath);
    const problems = [...WEIR_PROCESSES, 'migrate'].flatMap((name) => {
      const build = service(name).build as string | { context?: string; dockerfile?: string } | undefined;
      if (build === undefined) return [`${name} has no "build:" (directly or through <<: *weir)`];
      const context = typeof build === 'string' ? build : (build.context ?? '.');
      const dockerfile = typeof build === 'string' ? 'Dockerfile' : (build.dockerfile ?? 'Dockerfile');
      const resolved = resolve(composeDir, context, dockerfile);
      return resolved === dockerfilePath
        ? []
        : [`${name} builds from ${resolved}, expected ${dockerfilePath}`];
    });
    expect(problems, 'Weir services must be built from the Dockerfile at the repository root').toEqual([]);
  });

  it('starts Weir processes only after the stores are healthy and migrations succeeded', () => {
    const required: Record<string, string> = {
      postgres: 'service_healthy',
      redis: 'service_healthy',
      migrate: 'service_completed_successfully',
    };
    const problems = WEIR_PROCESSES.flatMap((name) => {
      const deps = dependsOn(service(name));
      return Object.entries(required)
        .filter(([dep, condition]) => deps[dep] !== condition)
        .map(
          ([dep, condition]) =>
            `${name}.depends_on.${dep} is ${deps[dep] ?? 'missing'}, expected condition: ${condition}`,
        );
    });
    const init = bucketInitName();
    if (dependsOn(service('worker'))[init] !== 'service_completed_successfully')
      problems.push(
        `worker.depends_on.${init} must be condition: service_completed_successfully (the lake bucket)`,
      );
    if (dependsOn(service('migrate')).postgres !== 'service_healthy')
      problems.push('migrate.depends_on.postgres must be condition: service_healthy');
    if (dependsOn(service(init)).minio !== 'service_healthy')
      problems.push(`${init}.depends_on.minio must be condition: service_healthy`);
    expect(problems, 'wrong start-up order').toEqual([]);
  });

  it('runs migrations and bucket creation once instead of restarting them forever', () => {
    const problems: string[] = [];
    if (!/\bweir db migrate\b/.test(commandText(service('migrate'))))
      problems.push(
        `migrate's command is "${commandText(service('migrate'))}", expected "npx weir db migrate"`,
      );
    const init = bucketInitName();
    if (!/mc mb --ignore-existing \S+\/weir-lake\b/.test(commandText(service(init))))
      problems.push(`${init} must create the bucket idempotently: mc mb --ignore-existing <alias>/weir-lake`);
    for (const name of ['migrate', init]) {
      const restart = String(service(name).restart ?? 'no');
      // service_completed_successfully never holds for a container that is restarted after it exits.
      if (restart === 'always' || restart === 'unless-stopped')
        problems.push(`${name} has restart: ${restart}; a one-shot job needs restart: "no" (or on-failure)`);
    }
    for (const name of LONG_RUNNING)
      if (!['always', 'unless-stopped'].includes(String(service(name).restart)))
        problems.push(`${name} should have restart: unless-stopped`);
    expect(problems, 'restart policies and one-shot commands').toEqual([]);
  });

  it('gives every Compose variable interpolation a default', () => {
    const problems = [...strings(readCompose(), '')].flatMap(([path, value]) =>
      interpolationProblems(path, value),
    );
    expect(problems, 'interpolations without a default').toEqual([]);
  });

  it('points Weir at the compose services by name, with matching S3 credentials', () => {
    const minioEnv = environment(service('minio'));
    const problems = [...WEIR_PROCESSES, 'migrate'].flatMap((name) => {
      const env = environment(service(name));
      const found: string[] = [];
      const host = (key: string) => {
        try {
          return new URL(withDefaults(env[key] ?? '')).hostname;
        } catch {
          return `(not a URL: "${env[key] ?? 'unset'}")`;
        }
      };
      if (host('DATABASE_URL') !== 'postgres')
        found.push(`${name}: DATABASE_URL host is ${host('DATABASE_URL')}, expected postgres`);
      if (host('REDIS_URL') !== 'redis')
        found.push(`${name}: REDIS_URL host is ${host('REDIS_URL')}, expected redis`);
      if (name === 'migrate') return found;
      if (env.S3_ACCESS_KEY_ID !== minioEnv.MINIO_ROOT_USER)
        found.push(`${name}: S3_ACCESS_KEY_ID does not match minio's MINIO_ROOT_USER`);
      if (env.S3_SECRET_ACCESS_KEY !== minioEnv.MINIO_ROOT_PASSWORD)
        found.push(`${name}: S3_SECRET_ACCESS_KEY does not match minio's MINIO_ROOT_PASSWORD`);
      if (!withDefaults(env.WEIR_LAKE_URL ?? '').startsWith('s3://weir-lake'))
        found.push(`${name}: WEIR_LAKE_URL is "${env.WEIR_LAKE_URL ?? 'unset'}", expected s3://weir-lake/`);
      if (host('S3_ENDPOINT') !== 'minio')
        found.push(`${name}: S3_ENDPOINT host is ${host('S3_ENDPOINT')}, expected minio`);
      // Its default is the placeholder the config refuses, so a compose stack never runs on a
      // key everyone knows: the processes exit asking for one in .env.
      if (env.WEIR_SECRET_KEY !== `\${WEIR_SECRET_KEY:-${SECRET_KEY_PLACEHOLDER}}`)
        found.push(
          `${name}: WEIR_SECRET_KEY must be \${WEIR_SECRET_KEY:-${SECRET_KEY_PLACEHOLDER}} (the placeholder @weir/config refuses)`,
        );
      return found;
    });
    expect(problems, 'service environment').toEqual([]);
  });
});

describe('Dockerfile', () => {
  /** Instructions with line continuations joined and comments dropped. */
  function instructions(): string[] {
    expect(existsSync(dockerfilePath), `Dockerfile not found at ${dockerfilePath}`).toBe(true);
    const lines = readFileSync(dockerfilePath, 'utf8')
      .split('\n')
      .filter((line) => !/^\s*#/.test(line));
    const joined: string[] = [];
    let current = '';
    for (const line of lines) {
      if (/\\\s*$/.test(line)) current += `${line.replace(/\\\s*$/, '')} `;
      else {
        current += line;
        if (current.trim() !== '') joined.push(current.trim());
        current = '';
      }
    }
    if (current.trim() !== '') joined.push(current.trim());
    return joined;
  }

  it('installs dependencies with npm ci', () => {
    const installs = instructions().filter((i) => /^RUN\b/i.test(i) && /\bnpm ci\b/.test(i));
    expect(
      installs.length,
      'the Dockerfile must install dependencies with "RUN npm ci" (reproducible, from package-lock.json)',
    ).toBeGreaterThan(0);
  });

  it('runs the final stage as a non-root user', () => {
    const all = instructions();
    const lastFrom = all.findLastIndex((i) => /^FROM\b/i.test(i));
    expect(lastFrom, 'the Dockerfile has no FROM instruction').toBeGreaterThanOrEqual(0);
    const users = all.slice(lastFrom).filter((i) => /^USER\b/i.test(i));
    const user = users.at(-1)?.split(/\s+/)[1]?.split(':')[0];
    expect(user, 'the last stage of the Dockerfile must switch to a non-root user with USER').toBeDefined();
    expect(['root', '0'], `the last stage runs as "${user}"; use a non-root user such as node`).not.toContain(
      user,
    );
  });
});
