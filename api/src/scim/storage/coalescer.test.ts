import { describe, expect, it } from 'vitest';
import { Coalescer, type Pending } from './coalescer.js';

/** A writer that records its batches and answers each item with its double, after `gate` opens. */
function recorder() {
  const batches: Array<{ key: string; items: number[] }> = [];
  const opens: Array<() => void> = [];
  let gate = Promise.resolve();
  const hold = () => (gate = new Promise<void>((r) => opens.push(r)));
  const write = async (key: string, batch: Array<Pending<number, number>>) => {
    batches.push({ key, items: batch.map((p) => p.item) });
    await gate;
    for (const p of batch) p.done(p.item * 2);
  };
  return { batches, opens, write, hold, release: () => opens.splice(0).forEach((o) => o()) };
}

describe('Coalescer (group commit)', () => {
  it('writes a lone item at once, in a batch of its own', async () => {
    const r = recorder();
    const c = new Coalescer(r.write);
    expect(await c.add('a', 1)).toBe(2);
    expect(r.batches).toEqual([{ key: 'a', items: [1] }]);
  });

  it('items added in the same turn go together; items added while a batch is written form the next', async () => {
    const r = recorder();
    const c = new Coalescer(r.write);
    r.hold();
    const first = [c.add('a', 1), c.add('a', 2)];
    await new Promise((s) => setImmediate(s));
    expect(r.batches).toEqual([{ key: 'a', items: [1, 2] }]);
    const next = [c.add('a', 3), c.add('a', 4), c.add('a', 5)];
    await new Promise((s) => setTimeout(s, 10));
    expect(r.batches).toHaveLength(1);
    const firstGate = r.opens.length;
    r.hold();
    r.opens.splice(0, firstGate).forEach((o) => o());
    await new Promise((s) => setTimeout(s, 10));
    expect(r.batches[1]).toEqual({ key: 'a', items: [3, 4, 5] });
    r.release();
    expect(await Promise.all([...first, ...next])).toEqual([2, 4, 6, 8, 10]);
  });

  it('keys are written independently, and a batch holds at most maxBatch items', async () => {
    const r = recorder();
    const c = new Coalescer(r.write, 2);
    const all = [c.add('a', 1), c.add('b', 10), c.add('a', 2), c.add('a', 3)];
    expect(await Promise.all(all)).toEqual([2, 20, 4, 6]);
    expect(r.batches.filter((b) => b.key === 'a')).toEqual([{ key: 'a', items: [1, 2] }, { key: 'a', items: [3] }]);
    expect(r.batches.filter((b) => b.key === 'b')).toEqual([{ key: 'b', items: [10] }]);
  });

  it('a writer that throws fails the items it left unsettled; one that settles nothing fails them too', async () => {
    const c = new Coalescer<number, number>(async (_key, batch) => {
      batch[0]!.done(0);
      if (batch.length > 2) throw new Error('disk full');
    });
    const results = await Promise.allSettled([c.add('a', 1), c.add('a', 2), c.add('a', 3)]);
    expect(results.map((x) => (x.status === 'fulfilled' ? x.value : (x.reason as Error).message))).toEqual([0, 'disk full', 'disk full']);
    const silent = new Coalescer<number, number>(async () => undefined);
    await expect(silent.add('a', 1)).rejects.toThrow(/no result/);
    // The queue carries on after a failure.
    expect(await new Coalescer<number, number>(async (_k, b) => b.forEach((p) => p.done(p.item))).add('a', 7)).toBe(7);
  });
});
