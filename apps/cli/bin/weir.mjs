#!/usr/bin/env node
// The `weir` command. Weir runs its TypeScript sources directly through tsx; there is no build step.
import { register } from 'tsx/esm/api';

register();
globalThis[Symbol.for('weir.tsx-registered')] = true;
// The Prisma client is generated code: make sure it exists before commands that import it load.
await import('../src/prepare.ts');
await import('../src/main.ts');
