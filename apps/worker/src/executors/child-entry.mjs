// Entry of an executor process: load TypeScript support, then the executor's message loop.
import { register } from 'tsx/esm/api';

register();
globalThis[Symbol.for('weir.tsx-registered')] = true;
await import('./child.ts');
