// Owns `weir init <dir>`: scaffolds a DAG project for authors outside the repository (see
// authoring/scaffold.ts) and says what to do next. It never overwrites a file.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { sdkEntry } from '../authoring/dag-compiler-options.ts';
import { EXAMPLE_DAG_ID, scaffoldFiles, weirCommand } from '../authoring/scaffold.ts';
import { CliError } from '../errors.ts';
import { installRoot, resolveFromCwd } from '../paths.ts';

export function registerInitCommand(program: Command): void {
  program
    .command('init')
    .description('scaffold a DAG project (package.json, tsconfig.json, an example DAG and its test)')
    .argument('<dir>', 'folder to create or fill; existing files are never overwritten')
    .action((dir: string) => {
      const folder = resolveFromCwd(dir);
      const files = scaffoldFiles(folder);
      const existing = files.filter((f) => existsSync(join(folder, f.path))).map((f) => f.path);
      if (existing.length > 0)
        throw new CliError(
          `${folder} already has ${existing.join(', ')}; weir init never overwrites files: choose another folder or move them away`,
        );
      for (const file of files) {
        const target = join(folder, file.path);
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, file.content, { flag: 'wx' });
      }
      process.stdout.write(
        nextSteps(
          folder,
          files.map((f) => f.path),
        ),
      );
    });
}

function nextSteps(folder: string, written: readonly string[]): string {
  const cd = relative(process.cwd(), folder) || '.';
  return `Created a Weir DAG project in ${folder}:
${written.map((p) => `  ${p}`).join('\n')}

tsconfig.json maps @weir/sdk to ${sdkEntry}
(the Weir installation that ran this command; run \`weir init\` again elsewhere if Weir moves).

Next steps:
  cd ${cd}
  npm test              # the example DAG's test (node --test, nothing to install)
  weir dags check       # type-check dags/ (also: npm run check)
  weir tasks test ${EXAMPLE_DAG_ID} greet --map-index 1 --args '{"name":"grace"}'
                        # one task's function alone
  weir dags test ${EXAMPLE_DAG_ID}  # one run end-to-end (needs PostgreSQL and Redis)
  weir standalone       # Weir with this folder's dags/ (WEIR_DAGS_FOLDER defaults to dags)

Outside the Weir folder, \`npx weir\` would look for weir on the npm registry. Either run
  ${weirCommand} …
or make \`weir\` a command once, from the Weir folder:
  cd ${resolve(installRoot)} && npm link
`;
}
