// CLI: `npm run test-model -- <kind|all> [outDir=.models] [--force]` — writes deterministic
// offline test models (see scripts/test-model/index.ts) and lists the files produced.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { exitWith, parseOptions, usageError } from './bench/lib/args.ts';
import { MODEL_FILES, TEST_MODEL_KINDS, isTestModelKind, writeTestModel } from './test-model/index.ts';

const USAGE = `usage: npm run test-model -- <${TEST_MODEL_KINDS.join('|')}|all> [outDir=.models] [--force]`;
const { values, positionals } = parseOptions(process.argv.slice(2), { force: { type: 'boolean', default: false } }, USAGE, { positionals: 2 });
const force = values.force;
const [kindArg, outDir = '.models'] = positionals;
const kinds = kindArg === 'all' ? [...TEST_MODEL_KINDS] : kindArg && isTestModelKind(kindArg) ? [kindArg] : null;
if (!kinds) exitWith(usageError(kindArg ? `unknown model kind "${kindArg}"` : 'give a model kind', USAGE));

for (const kind of kinds) {
  const started = performance.now();
  const dir = await writeTestModel(kind, outDir, { force });
  console.log(`${kind}: ${dir} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  for (const file of MODEL_FILES) {
    console.log(`  ${file.padEnd(28)} ${(statSync(join(dir, file)).size / 1e6).toFixed(2).padStart(8)} MB`);
  }
}
