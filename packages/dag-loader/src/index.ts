export { type DagFileStat, discoverDagFiles, statDagFile } from './discover.ts';
export { importDagFile } from './load.ts';
export { type ParseOptions, parseDagFiles } from './parse-pool.ts';
export type { ParseResult, SourceLocation } from './parse-protocol.ts';
export { registerDagLoader } from './register.ts';
