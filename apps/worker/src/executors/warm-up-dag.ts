// A DAG that no DAG folder holds: an executor imports it and runs its task while it starts, so the
// code a first try needs (the DAG loader's hooks, importing a DAG file, the invocation path) is
// loaded and compiled before the worker gives it real work.
import { dag } from '@weir/sdk';

export default dag({ id: '__weir_executor_warm_up', schedule: null }, (d) => {
  d.task('noop', async () => undefined);
});
