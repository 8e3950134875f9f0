// The embedding model on its own thread (./model-thread-worker.ts). A model call takes seconds
// and onnxruntime blocks its thread meanwhile; on the worker's main thread that would stop BullMQ
// from renewing the job's lock, and the job would be taken for stalled and handed to another worker.
import { Worker } from 'node:worker_threads';
import type { EmbeddingSpec, TextKind } from '../embed/embedder.ts';
import type { TransformersEmbedderOptions } from '../embed/transformers-embedder.ts';
import { AppError, type ErrorCode } from '../errors.ts';

export interface ModelRequest {
  id: number;
  kind: TextKind;
  texts: string[];
}

export type ModelReply =
  | { type: 'ready'; spec: EmbeddingSpec; dims: number }
  | { type: 'unavailable'; message: string; code: ErrorCode | undefined }
  | { type: 'vectors'; id: number; vectors: Float32Array[] }
  | { type: 'failed'; id: number; message: string };

export class ModelThread {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (vectors: Float32Array[]) => void; reject: (error: Error) => void }>();
  private failure: Error | undefined;

  private constructor(
    private readonly worker: Worker,
    readonly spec: EmbeddingSpec,
    readonly dims: number,
  ) {
    worker.on('message', (reply: ModelReply) => {
      if (reply.type !== 'vectors' && reply.type !== 'failed') return;
      const waiter = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if (reply.type === 'vectors') waiter?.resolve(reply.vectors);
      else waiter?.reject(new Error(reply.message));
    });
    const fail = (error: Error) => {
      this.failure = error;
      for (const waiter of this.waiting.values()) waiter.reject(error);
      this.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the model thread stopped (exit code ${code})`)));
  }

  /** Starts the thread and waits until its model is loaded (or says why it could not be). */
  static start(options: TransformersEmbedderOptions): Promise<ModelThread> {
    const worker = new Worker(new URL('./model-thread-main.js', import.meta.url), { workerData: options });
    return new Promise((resolve, reject) => {
      const onMessage = (reply: ModelReply) => {
        if (reply.type === 'ready') resolve(new ModelThread(worker, reply.spec, reply.dims));
        else if (reply.type === 'unavailable') {
          reject(reply.code ? new AppError(reply.code, reply.message) : new Error(reply.message));
          void worker.terminate();
        } else return;
        worker.off('message', onMessage);
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the model thread stopped (exit code ${code}) before the model was loaded`)));
    });
  }

  embed(texts: string[], kind: TextKind): Promise<Float32Array[]> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, kind, texts } satisfies ModelRequest);
    });
  }

  async dispose(): Promise<void> {
    await this.worker.terminate();
  }
}
