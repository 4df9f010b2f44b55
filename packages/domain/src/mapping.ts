// Owns the arithmetic of dynamic task mapping: how many instances an expansion makes (the cross
// product of its lists) and which arguments the instance at a map index gets (last key varies
// fastest, as Airflow's expand over several arguments does).

export interface Expansion {
  readonly keys: readonly string[];
  readonly lists: readonly (readonly unknown[])[];
}

export function expansionLength(expansion: Expansion): number {
  return expansion.lists.reduce((n, list) => n * list.length, expansion.lists.length === 0 ? 0 : 1);
}

export function argumentsAt(expansion: Expansion, mapIndex: number): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  let rest = mapIndex;
  for (let k = expansion.keys.length - 1; k >= 0; k--) {
    const list = expansion.lists[k] ?? [];
    args[expansion.keys[k] as string] = list[rest % list.length];
    rest = Math.floor(rest / list.length);
  }
  return args;
}
