#!/usr/bin/env node
// The `paperseek` command (package.json "bin"): runs the TypeScript CLI through tsx's loader,
// so the installed command needs no build step, like `npm run cli`.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
