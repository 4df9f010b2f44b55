// Node module hooks for DAG files. DAG folders may live outside the Weir installation
// (WEIR_DAGS_FOLDER), often without a package.json: so `@weir/sdk` (and any package the DAG
// folder lacks) resolves from Weir's own node_modules, and DAG files are always ES modules
// (without a package.json, Node and tsx would treat a .ts or .js file as CommonJS, where these
// hooks cannot help `require` find the SDK).
const weirParent = import.meta.url;
const DAG_SOURCE = /\.(ts|mts|js|mjs)$/;

export async function resolve(specifier, context, nextResolve) {
  let result;
  if (specifier === '@weir/sdk' || specifier.startsWith('@weir/sdk/')) {
    result = await nextResolve(specifier, { ...context, parentURL: weirParent });
  } else {
    try {
      result = await nextResolve(specifier, context);
    } catch (error) {
      const bare = !specifier.startsWith('.') && !specifier.startsWith('/') && !specifier.includes(':');
      if (!bare || error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
      result = await nextResolve(specifier, { ...context, parentURL: weirParent });
    }
  }
  if (
    result.format === 'commonjs' &&
    result.url.startsWith('file:') &&
    !result.url.includes('/node_modules/')
  ) {
    // tsx may mark a module it first reads as CommonJS with a query inside the path
    // (`common.ts%3Ftsx-commonjs-export-preparse=1`): the file is what comes before it.
    const path = decodeURIComponent(new URL(result.url).pathname).split('?')[0];
    if (DAG_SOURCE.test(path)) return { ...result, format: 'module' };
  }
  return result;
}
