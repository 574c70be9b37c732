import type { DomainEvent, EventBus } from './event-bus.js';

/**
 * Turns bus events matching `accept` into an async iterable for a GraphQL subscription. Events
 * are buffered (bounded: the oldest are dropped past `max`) while the consumer is busy; ending
 * the iteration unsubscribes.
 */
export function eventStream(bus: EventBus, accept: (e: DomainEvent) => boolean, max = 1000): AsyncIterableIterator<DomainEvent> {
  const queue: DomainEvent[] = [];
  let wake: ((r: IteratorResult<DomainEvent>) => void) | null = null;
  let done = false;
  const unsubscribe = bus.subscribe((event) => {
    if (done || !accept(event)) return;
    if (wake) {
      const w = wake;
      wake = null;
      w({ value: event, done: false });
    } else {
      queue.push(event);
      if (queue.length > max) queue.shift();
    }
  });
  const finish = (): Promise<IteratorResult<DomainEvent>> => {
    done = true;
    unsubscribe();
    queue.length = 0;
    if (wake) wake({ value: undefined, done: true });
    wake = null;
    return Promise.resolve({ value: undefined, done: true });
  };
  return {
    next: () => {
      if (queue.length > 0) return Promise.resolve({ value: queue.shift()!, done: false });
      if (done) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve) => (wake = resolve));
    },
    return: finish,
    throw: async (err) => {
      await finish();
      throw err;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
