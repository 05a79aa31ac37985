/**
 * Coalescing persistence: every `persist()` resolves only after a save that started
 * after the call, so a response is never sent before its write is durable, while a
 * burst of writes shares one fsync.
 */
import { writeStateFile, type StateFs } from './state-file';

export interface Persistence {
  persist(): Promise<void>;
}

export function createMemoryPersistence(): Persistence {
  return { persist: () => Promise.resolve() };
}

export function createFilePersistence(options: {
  dir: string;
  key: Buffer;
  snapshot: () => string;
  fs?: StateFs;
}): Persistence {
  let running: Promise<void> | null = null;
  let queued: Promise<void> | null = null;

  const saveNow = async (): Promise<void> => {
    // Sync I/O keeps the snapshot and its write atomic with respect to other requests.
    writeStateFile(
      { dir: options.dir, key: options.key, fs: options.fs },
      Buffer.from(options.snapshot()),
    );
  };

  const start = (): Promise<void> => {
    const p = saveNow().finally(() => {
      if (running === p) running = null;
    });
    running = p;
    return p;
  };

  return {
    persist() {
      if (queued) return queued;
      if (!running) return start();
      const after = running
        .catch(() => undefined)
        .then(() => {
          queued = null;
          return start();
        });
      queued = after;
      return after;
    },
  };
}
