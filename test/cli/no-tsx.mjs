// `node --import ./test/cli/no-tsx.mjs …`: any import of tsx fails, in this process, its worker
// threads and cluster workers (which inherit the flag) — so a test can show the compiled build
// runs without a TypeScript loader.
import { register } from 'node:module';

const hook = `export async function resolve(specifier, context, next) {
  if (specifier === 'tsx' || specifier.startsWith('tsx/')) throw new Error('tsx imported at run time: ' + specifier + ' from ' + context.parentURL);
  if (/\\.ts$/.test(specifier)) throw new Error('TypeScript imported at run time: ' + specifier + ' from ' + context.parentURL);
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);
