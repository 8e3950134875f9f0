#!/usr/bin/env node
// The paperseek command line (`npm run cli -- …`, the `paperseek` bin): see ./program.ts. The one
// place that hands the process's environment and streams to the commands (./context.ts).
import { processContext } from './context.ts';
import { createProgram, reportError } from './program.ts';

const context = processContext();
createProgram(context)
  .parseAsync(process.argv)
  .then(
    () => {
      if (context.exitCode !== undefined) process.exitCode = context.exitCode;
    },
    (error: unknown) => {
      process.exitCode = reportError(error, (text) => void context.stderr.write(text));
    },
  );
