// Owns the TypeScript settings DAG files are checked with, outside the repository as inside it:
// strict, ES modules as tsx runs them, and `@weir/sdk` (which is not published) mapped to the SDK
// of this Weir installation. `weir dags check` compiles with them; `weir init` writes them into
// the new project's tsconfig.json so editors report the same errors.
import { resolve } from 'node:path';
import { installRoot } from '../paths.ts';

/** The SDK's entry file in this installation. */
export const sdkEntry = resolve(installRoot, 'packages/sdk/src/index.ts');

/** compilerOptions in tsconfig.json form (strings, not the compiler's enums). */
export function dagCompilerOptions(): Record<string, unknown> {
  return {
    target: 'ES2023',
    lib: ['ES2023', 'DOM', 'DOM.Iterable'],
    module: 'ESNext',
    moduleResolution: 'Bundler',
    allowImportingTsExtensions: true,
    noEmit: true,
    strict: true,
    noUncheckedIndexedAccess: true,
    noImplicitOverride: true,
    // tsx compiles each file alone.
    isolatedModules: true,
    esModuleInterop: true,
    resolveJsonModule: true,
    skipLibCheck: true,
    forceConsistentCasingInFileNames: true,
    types: ['node'],
    // A DAG project has no node_modules of its own: Node's types come from Weir's.
    typeRoots: [resolve(installRoot, 'node_modules/@types')],
    paths: { '@weir/sdk': [sdkEntry] },
  };
}
