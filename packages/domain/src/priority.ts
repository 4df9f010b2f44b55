// Owns Airflow's priority weight rules: downstream (own + all downstream), upstream (own + all
// upstream) and absolute (own).
export interface WeightedTask {
  readonly taskId: string;
  readonly upstreams: readonly string[];
  readonly priorityWeight: number;
  readonly weightRule: 'downstream' | 'upstream' | 'absolute';
}

export function effectivePriorityWeights(tasks: readonly WeightedTask[]): Map<string, number> {
  const byId = new Map(tasks.map((t) => [t.taskId, t]));
  const downstream = new Map<string, string[]>();
  for (const t of tasks) for (const u of t.upstreams) downstream.set(u, [...(downstream.get(u) ?? []), t.taskId]);
  const reach = (start: string, next: (id: string) => readonly string[]) => {
    const seen = new Set<string>();
    const stack = [...next(start)];
    while (stack.length) {
      const id = stack.pop() as string;
      if (seen.has(id)) continue;
      seen.add(id);
      stack.push(...next(id));
    }
    return seen;
  };
  const weights = new Map<string, number>();
  for (const t of tasks) {
    if (t.weightRule === 'absolute') {
      weights.set(t.taskId, t.priorityWeight);
      continue;
    }
    const related =
      t.weightRule === 'downstream'
        ? reach(t.taskId, (id) => downstream.get(id) ?? [])
        : reach(t.taskId, (id) => byId.get(id)?.upstreams ?? []);
    let sum = t.priorityWeight;
    for (const id of related) sum += byId.get(id)?.priorityWeight ?? 0;
    weights.set(t.taskId, sum);
  }
  return weights;
}
