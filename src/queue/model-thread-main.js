// Boots the model thread of an embedding worker (./model-thread.ts): a worker thread does not
// inherit the TypeScript loader of the thread that starts it, so it registers tsx itself, as
// src/ingest/read-worker.js does.
import { register } from 'tsx/esm/api';

register();
await import('./model-thread-worker.ts');
