// Owns `weir dags check`: type-checks a DAG folder with the TypeScript compiler, so a type error
// is reported before a task runs (not as `n.toFixed is not a function` in a worker's log).
import { readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { loadConfig } from '@weir/config';
import type { Command } from 'commander';
import type * as TS from 'typescript';
import { dagCompilerOptions } from '../authoring/dag-compiler-options.ts';
import { CliError } from '../errors.ts';
import { installRoot, resolveFromCwd } from '../paths.ts';

export interface DagTypeError {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly code: number;
  readonly message: string;
}

export interface DagCheckReport {
  /** The TypeScript files checked (DAG files, their tests and helpers), absolute. */
  readonly files: readonly string[];
  readonly errors: readonly DagTypeError[];
}

export function registerDagsCheckCommand(dags: Command): void {
  dags
    .command('check')
    .description('type-check the DAG folder (strict TypeScript, @weir/sdk from this installation)')
    .option('--dags-folder <dir>', 'DAG folder (default WEIR_DAGS_FOLDER)')
    .option('--json', 'print one JSON object: { files, errors: [{ file, line, column, code, message }] }')
    .action(async (opts: { dagsFolder?: string; json?: boolean }) => {
      const folder = resolveFromCwd(opts.dagsFolder ?? loadConfig().dagsFolder);
      const report = await checkDagFolder(folder);
      const shown = (file: string) => {
        const rel = relative(process.cwd(), file);
        return rel.startsWith('..') || isAbsolute(rel) ? file : rel;
      };
      if (opts.json) {
        const errors = report.errors.map((e) => ({ ...e, file: shown(e.file) }));
        process.stdout.write(`${JSON.stringify({ files: report.files.length, errors })}\n`);
      } else if (report.errors.length > 0) {
        for (const e of report.errors)
          process.stdout.write(`${shown(e.file)}:${e.line}:${e.column}: ${e.message} (TS${e.code})\n`);
        const files = new Set(report.errors.map((e) => e.file)).size;
        process.stdout.write(
          `${plural(report.errors.length, 'error')} in ${plural(files, 'file')} of ${report.files.length} checked\n`,
        );
      } else {
        process.stdout.write(`${plural(report.files.length, 'file')} OK\n`);
      }
      process.exitCode = report.errors.length > 0 ? 1 : 0;
    });
}

export async function checkDagFolder(folder: string): Promise<DagCheckReport> {
  if (!isDirectory(folder)) throw new CliError(`DAG folder ${folder} does not exist`);
  const files = typeScriptFiles(folder);
  if (files.length === 0) throw new CliError(`no TypeScript files in ${folder}`);
  // Loaded here, not at start-up: the compiler is large and only this command needs it.
  const ts = (await import('typescript')).default;
  const converted = ts.convertCompilerOptionsFromJson(dagCompilerOptions(), folder);
  const options = converted.options;
  const host = ts.createCompilerHost(options);
  const cache = ts.createModuleResolutionCache(folder, (f) => f, options);
  // As at run time (dag-loader's resolve hook): a package the DAG folder lacks comes from Weir's.
  const fromWeir = join(installRoot, 'apps/cli/src/main.ts');
  host.resolveModuleNameLiterals = (literals, containingFile, redirected, compilerOptions, sourceFile) =>
    literals.map((literal) => {
      const mode = ts.getModeForUsageLocation(sourceFile, literal, compilerOptions);
      const name = literal.text;
      const found = ts.resolveModuleName(
        name,
        containingFile,
        compilerOptions,
        host,
        cache,
        redirected,
        mode,
      );
      if (found.resolvedModule || name.startsWith('.') || isAbsolute(name)) return found;
      return ts.resolveModuleName(name, fromWeir, compilerOptions, host, cache, redirected, mode);
    });
  const program = ts.createProgram({ rootNames: files, options, host });
  const diagnostics: TS.Diagnostic[] = [
    ...converted.errors,
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
  ];
  for (const file of files) {
    const source = program.getSourceFile(file);
    if (!source) continue;
    diagnostics.push(...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source));
  }
  return { files, errors: diagnostics.map((d) => typeError(ts, d, folder)) };
}

function typeError(ts: typeof TS, d: TS.Diagnostic, folder: string): DagTypeError {
  const message = ts.flattenDiagnosticMessageText(d.messageText, '\n  ');
  if (!d.file || d.start === undefined) return { file: folder, line: 0, column: 0, code: d.code, message };
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
  return { file: resolve(d.file.fileName), line: line + 1, column: character + 1, code: d.code, message };
}

/** Every TypeScript file of the folder (DAG files, their tests, shared helpers), as discovery walks it. */
function typeScriptFiles(folder: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(ts|mts|cts|tsx)$/.test(entry.name)) found.push(full);
    }
  };
  walk(folder);
  return found;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
