// `paperseek stats`: what the index in PAPERSEEK_DATA_DIR holds: papers, vectors, the model it
// was built with, and its files on disk. Opens no model.
import { statSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../config.ts';
import { keyValues } from '../output.ts';
import { openExistingStore } from '../../app/runtime.ts';
import { type CommandContext, println } from '../context.ts';

export function registerStats(program: Command, context: CommandContext): void {
  program
    .command('stats')
    .description('show what the index holds: papers, vectors, model and files')
    .option('--json', 'print one JSON object instead of text')
    .action((options: { json?: boolean }) => {
      const config = loadConfig(context.env);
      const store = openExistingStore(config);
      try {
        const papers = store.count();
        const embedded = store.countWithVectors();
        // The vector index lives in one file per published generation; none before the first publish.
        const files = Object.fromEntries(store.files.map((file) => [path.basename(file), fileSize(file)]));
        const stats = {
          data_dir: path.resolve(config.dataDir),
          papers,
          embedded,
          pending_vectors: papers - embedded,
          with_code: store.countWithVectors({ hasCode: true }),
          model: store.spec ?? null,
          hnsw: config.hnsw,
          files,
        };
        if (options.json) {
          println(context.stdout, JSON.stringify(stats, null, 2));
          return;
        }
        const spec = stats.model;
        println(
          context.stdout,
          keyValues([
            ['data dir', stats.data_dir],
            ['papers', String(papers)],
            ['embedded', `${embedded}${papers - embedded > 0 ? ` (${papers - embedded} waiting for the model)` : ''}`],
            ['embedded with code', String(stats.with_code)],
            ['model', spec ? `${spec.model} (${spec.dims} dims, ${spec.pooling} pooling, ${spec.dtype})` : noModel(papers)],
            ['hnsw', `M=${config.hnsw.M} efConstruction=${config.hnsw.efConstruction} ef=${config.hnsw.ef}`],
            ...Object.entries(files).map(([name, size]): [string, string] => [name, size === null ? 'missing' : formatBytes(size)]),
          ]),
        );
      } finally {
        store.close();
      }
    });
}

/** The model line of an index no model has embedded into: empty, or papers waiting for their vectors. */
const noModel = (papers: number) =>
  papers === 0 ? 'none yet (empty index)' : `no model yet (${papers} papers, vectors pending: ingest again with a model to embed them)`;

function fileSize(file: string): number | null {
  try {
    return statSync(file).size;
  } catch {
    return null;
  }
}

const formatBytes = (bytes: number) =>
  bytes < 1024 ? `${bytes} B` : bytes < 1024 ** 2 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
