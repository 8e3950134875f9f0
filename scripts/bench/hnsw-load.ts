// Child process of the hnsw section: loads one index file the way the server does and reports
// how long it took and the resident memory afterwards (one JSON line on stdout).
import { VectorIndex } from '../../src/store/vector-index.ts';

const [file, dims] = process.argv.slice(2);
if (!file || !dims) throw new Error('usage: hnsw-load.ts <index file> <dims>');
const started = performance.now();
const index = VectorIndex.load(file, Number(dims), 64);
const loadMs = performance.now() - started;
console.log(JSON.stringify({ loadMs, size: index.size, rssMb: Math.round(process.memoryUsage().rss / 2 ** 20) }));
