// Entry of a DAG-parsing child process: load TypeScript support, then the parser.
import { register } from 'tsx/esm/api';

// Stack frames of DAG code name lines and columns of the .ts source (tsx inlines source maps),
// so an import error can say where it happened.
process.setSourceMapsEnabled(true);
register();
globalThis[Symbol.for('weir.tsx-registered')] = true;
await import('./parse-child.ts');
