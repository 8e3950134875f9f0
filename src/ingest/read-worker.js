// Boots the reading thread of an ingest (./read-thread.ts): a worker thread does not inherit the
// TypeScript loader of the thread that starts it, so it registers tsx itself, as src/cli/bin.js does.
import { register } from 'tsx/esm/api';

register();
await import('./read-worker.ts');
