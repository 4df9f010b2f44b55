// Node module resolve hook: DAG files may live outside the Weir installation (WEIR_DAGS_FOLDER),
// so `@weir/sdk` (and any package the DAG folder does not have itself) resolves from Weir's
// own node_modules.
const weirParent = import.meta.url;

export async function resolve(specifier, context, nextResolve) {
  if (specifier === '@weir/sdk' || specifier.startsWith('@weir/sdk/')) {
    return nextResolve(specifier, { ...context, parentURL: weirParent });
  }
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    const bare = !specifier.startsWith('.') && !specifier.startsWith('/') && !specifier.includes(':');
    if (bare && error?.code === 'ERR_MODULE_NOT_FOUND')
      return nextResolve(specifier, { ...context, parentURL: weirParent });
    throw error;
  }
}
