#!/usr/bin/env node
// The `weir` command. Weir runs its TypeScript sources directly through tsx; there is no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
