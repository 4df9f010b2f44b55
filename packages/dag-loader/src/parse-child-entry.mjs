// Entry of a DAG-parsing child process: load TypeScript support, then the parser.
import { register } from 'tsx/esm/api';

register();
globalThis[Symbol.for('weir.tsx-registered')] = true;
await import('./parse-child.ts');
