#!/usr/bin/env node
// The paperseek command line (`npm run cli -- …`, the `paperseek` bin): see ./program.ts.
import { createProgram, reportError } from './program.ts';

createProgram()
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    process.exitCode = reportError(error);
  });
