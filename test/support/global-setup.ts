// Generates the test models once per test run (cached across runs in .models/, git-ignored)
// and hands their folder to every test file through vitest's provide/inject.
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { writeTestModel } from '../../scripts/test-model/index.ts';

export const MODELS_DIR = path.resolve('.models');

export default async function setup(project: TestProject): Promise<void> {
  await writeTestModel('lexical', MODELS_DIR);
  await writeTestModel('tiny', MODELS_DIR);
  project.provide('modelsDir', MODELS_DIR);
}

declare module 'vitest' {
  export interface ProvidedContext {
    modelsDir: string;
  }
}
