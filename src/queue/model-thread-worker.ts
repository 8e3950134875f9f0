// The model thread of an embedding worker: loads the embedder once, then embeds each request the
// queue side posts. onnxruntime blocks the thread it runs on for the whole model call, so it runs
// here, and the worker's main thread stays free to renew BullMQ job locks and answer Redis.
import { parentPort, workerData } from 'node:worker_threads';
import { TransformersEmbedder, type TransformersEmbedderOptions } from '../embed/transformers-embedder.ts';
import { isAppError, messageOf } from '../errors.ts';
import type { ModelReply, ModelRequest } from './model-thread.ts';

const port = parentPort!;
const post = (reply: ModelReply, transfer: ArrayBuffer[] = []) => port.postMessage(reply, transfer);

try {
  const embedder = await TransformersEmbedder.create(workerData as TransformersEmbedderOptions);
  port.on('message', (request: ModelRequest) => {
    embedder.embed(request.texts, request.kind).then(
      (vectors) => post({ type: 'vectors', id: request.id, vectors }, [...new Set(vectors.map((vector) => vector.buffer as ArrayBuffer))]),
      (error: unknown) => post({ type: 'failed', id: request.id, message: messageOf(error) }),
    );
  });
  post({ type: 'ready', spec: embedder.spec, dims: embedder.dims });
} catch (error) {
  post({ type: 'unavailable', message: messageOf(error), code: isAppError(error) ? error.code : undefined });
}
