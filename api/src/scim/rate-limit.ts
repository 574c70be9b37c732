import type { Clock } from '../shared/clock.js';

/**
 * A token bucket per key (a SCIM token): `perSecond` requests a second on average, bursts up to
 * twice that. Kept in the process: each replica limits the requests it serves.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perSecond: number,
    private readonly clock: Clock,
  ) {}

  /** Takes one request; returns 0 when allowed, else the seconds to wait before the next one. */
  take(key: string): number {
    const now = this.clock.now().getTime();
    const burst = this.perSecond * 2;
    const b = this.buckets.get(key) ?? { tokens: burst, at: now };
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * this.perSecond);
    b.at = now;
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    if (this.buckets.size > 10_000) this.prune(now);
    return Math.max(1, Math.ceil((1 - b.tokens) / this.perSecond));
  }

  private prune(now: number): void {
    for (const [k, b] of this.buckets) if (now - b.at > 60_000) this.buckets.delete(k);
  }
}
