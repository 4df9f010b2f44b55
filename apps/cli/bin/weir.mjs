#!/usr/bin/env node
// The `weir` command. Weir runs its TypeScript sources directly through tsx; there is no build step.
import { register } from 'tsx/esm/api';

register();
globalThis[Symbol.for('weir.tsx-registered')] = true;
await import('../src/main.ts');
