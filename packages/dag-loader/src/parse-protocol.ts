// Messages between the dag processor and its parsing child processes.
import type { SerializedDag } from '@weir/sdk';

export interface ParseRequest {
  readonly file: string;
  readonly version: string;
}

/** Where in the DAG file an import failed: 1-based line and column of the .ts source. */
export interface SourceLocation {
  readonly line: number;
  readonly column: number;
}

export type ParseResponse =
  | {
      readonly file: string;
      readonly ok: true;
      readonly dags: readonly SerializedDag[];
      /** DAGs the file's own code created with `dag()` but did not export (so nothing runs them). */
      readonly unexportedDagIds: readonly string[];
    }
  | {
      readonly file: string;
      readonly ok: false;
      /** One line. */
      readonly message: string;
      readonly stack: string | null;
      readonly location: SourceLocation | null;
    };

export type ParseResult = ParseResponse & { readonly durationMs: number };
