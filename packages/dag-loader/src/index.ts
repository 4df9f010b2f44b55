export { type DagFileStat, discoverDagFiles } from './discover.ts';
export { importDagFile } from './load.ts';
export { type ParseOptions, parseDagFiles } from './parse-pool.ts';
export type { ParseResult } from './parse-protocol.ts';
export { registerDagLoader } from './register.ts';
