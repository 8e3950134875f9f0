#!/usr/bin/env node
// The `paperseek` command (package.json "bin"): runs the compiled CLI (dist/cli/main.js) with plain
// node, compiling it first (scripts/build.mjs, about a second) when dist/ is missing or older
// than the sources, so it works on a fresh clone and after every edit.
import { pathToFileURL } from 'node:url';
import { DIST, ensureBuilt } from '../../scripts/build.mjs';

await ensureBuilt();
await import(pathToFileURL(`${DIST}/cli/main.js`).href);
