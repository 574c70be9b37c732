/**
 * Group commit for concurrent requests: items added under the same key while a batch of that key
 * is being written wait and are written together as the next batch, so N concurrent writers cost
 * one statement and one commit instead of N. An item added while nothing of its key is being
 * written starts a batch at once (after the current turn of the event loop, so items added in
 * the same turn go together): a lone request waits for nobody.
 *
 * `write` gets a batch and settles every item of it (each item's own promise, through `done`);
 * if it throws, every item it left unsettled fails with that error.
 */
export class Coalescer<T, R> {
  private readonly queues = new Map<string, { waiting: Array<Pending<T, R>>; writing: boolean }>();

  constructor(
    private readonly write: (key: string, batch: Array<Pending<T, R>>) => Promise<void>,
    private readonly maxBatch = 200,
  ) {}

  add(key: string, item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      let q = this.queues.get(key);
      if (!q) this.queues.set(key, (q = { waiting: [], writing: false }));
      q.waiting.push(pending(item, resolve, reject));
      if (!q.writing && q.waiting.length === 1) setImmediate(() => void this.drain(key));
    });
  }

  private async drain(key: string): Promise<void> {
    const q = this.queues.get(key);
    if (!q || q.writing) return;
    q.writing = true;
    try {
      while (q.waiting.length > 0) {
        const batch = q.waiting.splice(0, this.maxBatch);
        try {
          await this.write(key, batch);
        } catch (err) {
          for (const p of batch) p.fail(err);
        }
        // Anything the writer did not settle has no answer to wait for.
        for (const p of batch) p.fail(new Error('the batch writer settled no result for this item'));
      }
    } finally {
      q.writing = false;
      this.queues.delete(key);
    }
  }
}

/** An item waiting in a batch, settled once (later settlements are ignored). */
export interface Pending<T, R> {
  item: T;
  done(result: R): void;
  fail(err: unknown): void;
}

function pending<T, R>(item: T, resolve: (r: R) => void, reject: (e: unknown) => void): Pending<T, R> {
  let settled = false;
  return {
    item,
    done: (r) => {
      if (settled) return;
      settled = true;
      resolve(r);
    },
    fail: (e) => {
      if (settled) return;
      settled = true;
      reject(e);
    },
  };
}
