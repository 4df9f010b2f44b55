// Lets plain `node` (and `node --test`) import the DAG files of a project made by `weir init`,
// as the worker does: TypeScript through tsx, and `@weir/sdk` (not published) from this Weir
// installation. Use it with `node --import <this file's URL> --test dags/*.test.ts`.
import { register } from 'tsx/esm/api';

register();
globalThis[Symbol.for('weir.tsx-registered')] = true;
const { registerDagLoader } = await import('@weir/dag-loader');
registerDagLoader();
