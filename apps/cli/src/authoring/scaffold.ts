// Owns what `weir init` writes: a DAG project outside the repository whose package.json, tsconfig
// and test all point at this Weir installation, so nothing has to be installed in it.
import { basename } from 'node:path';
import { paths } from '../paths.ts';
import { dagCompilerOptions } from './dag-compiler-options.ts';

export interface ScaffoldFile {
  /** Relative to the project folder. */
  readonly path: string;
  readonly content: string;
}

export const EXAMPLE_DAG_ID = 'hello';

/** The `weir` command as the project's scripts run it: no link or PATH needed. */
export const weirCommand = `node ${shellQuote(paths.weirBin)}`;

const testHooks = new URL('./node-test-hooks.mjs', import.meta.url).href;

function shellQuote(word: string): string {
  return /^[\w./:@-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

export function scaffoldFiles(folder: string): ScaffoldFile[] {
  const name =
    basename(folder)
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^[._-]+/, '') || 'weir-dags';
  const packageJson = {
    name,
    version: '0.1.0',
    private: true,
    type: 'module',
    scripts: {
      test: `node --import ${testHooks} --test dags/*.test.ts`,
      check: `${weirCommand} dags check --dags-folder dags`,
    },
  };
  const tsconfig = { compilerOptions: dagCompilerOptions(), include: ['dags/**/*.ts'] };
  return [
    { path: 'package.json', content: `${JSON.stringify(packageJson, null, 2)}\n` },
    { path: 'tsconfig.json', content: `${JSON.stringify(tsconfig, null, 2)}\n` },
    { path: '.gitignore', content: 'node_modules/\n.weir/\n.env\n' },
    { path: `dags/${EXAMPLE_DAG_ID}.ts`, content: EXAMPLE_DAG },
    { path: `dags/${EXAMPLE_DAG_ID}.test.ts`, content: EXAMPLE_TEST },
  ];
}

const EXAMPLE_DAG = `// An example DAG: \`names\` returns a list, \`greet\` runs once per name (dynamic task mapping),
// and \`count\` receives every greeting, typed, in map index order.
import { dag, z } from '@weir/sdk';

export default dag(
  {
    id: '${EXAMPLE_DAG_ID}',
    schedule: '@daily',
    startDate: '2026-01-01',
    catchup: false,
    params: z.object({ greeting: z.string().default('hello') }),
    defaults: { retries: 1, retryDelay: '10s' },
  },
  (d) => {
    const names = d.task('names', async () => ['ada', 'grace', 'linus']);
    const greet = d.map('greet', { expand: { name: names } }, async (ctx, { name }) => {
      return \`\${ctx.params.greeting}, \${name}\`;
    });
    d.task('count', { inputs: [greet] }, async (ctx, greetings) => {
      ctx.log.info(\`greeted \${greetings.length} people\`);
      return greetings.length;
    });
  },
);
`;

const EXAMPLE_TEST = `// Runs with \`npm test\` (node --test; nothing to install): the DAG imports and serializes
// (which checks its schedule, dates and options), its tasks are wired as intended, and its
// functions return what they should.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serializeDag, testContext } from '@weir/sdk';
import hello from './${EXAMPLE_DAG_ID}.ts';

// Every field a running task sees, with defaults; ctx.variable / ctx.connection answer from
// \`variables\` and \`connections\` here.
const context = (taskId: string, mapIndex = -1) =>
  testContext({ dagId: hello.dagId, taskId, mapIndex, params: { greeting: 'hi' }, variables: {} });

test('the DAG has its tasks, each after the one it reads', () => {
  const serialized = serializeDag(hello);
  assert.deepEqual(
    serialized.tasks.map((t) => [t.taskId, t.upstreams]),
    [
      ['names', []],
      ['greet', ['names']],
      ['count', ['greet']],
    ],
  );
  assert.equal(serialized.schedule, '@daily');
});

test('greet greets the name of its instance', async () => {
  const greet = hello.tasks.get('greet');
  assert.ok(greet);
  assert.equal(await greet.fn(context('greet', 1), { name: 'grace' }), 'hi, grace');
});

test('count counts the greetings', async () => {
  const count = hello.tasks.get('count');
  assert.ok(count);
  assert.equal(await count.fn(context('count'), ['hi, ada', 'hi, grace']), 2);
});
`;
