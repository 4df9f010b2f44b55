// Messages between the dag processor and its parsing child processes.
import type { SerializedDag } from '@weir/sdk';

export interface ParseRequest {
  readonly file: string;
  readonly version: string;
}

export type ParseResponse =
  | { readonly file: string; readonly ok: true; readonly dags: readonly SerializedDag[] }
  | { readonly file: string; readonly ok: false; readonly message: string; readonly stack: string | null };

export type ParseResult = ParseResponse & { readonly durationMs: number };
