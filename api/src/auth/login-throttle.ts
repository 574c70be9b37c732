import type { Clock } from '../shared/clock.js';

const WINDOW_MS = 15 * 60 * 1000;
const MAX_DELAY_MS = 5_000;
const LOCKOUT_AFTER = 30;

/**
 * Slows down repeated failed sign-ins from one address: after `freeAttempts` failures within 15
 * minutes each attempt waits longer (doubling, up to 5 s), and after 30 it is refused until the
 * window passes. Kept per process; a success clears the address.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, { count: number; first: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly freeAttempts: number,
  ) {}

  private entry(ip: string) {
    const now = this.clock.now().getTime();
    const e = this.failures.get(ip);
    if (e && now - e.first > WINDOW_MS) {
      this.failures.delete(ip);
      return undefined;
    }
    return e;
  }

  /** How long to wait before answering, and whether to refuse outright (with seconds to wait). */
  check(ip: string): { delayMs: number; refuseForSeconds: number | null } {
    const e = this.entry(ip);
    if (!e || e.count < this.freeAttempts) return { delayMs: 0, refuseForSeconds: null };
    if (e.count >= LOCKOUT_AFTER) {
      const left = Math.ceil((e.first + WINDOW_MS - this.clock.now().getTime()) / 1000);
      return { delayMs: 0, refuseForSeconds: Math.max(1, left) };
    }
    return { delayMs: Math.min(MAX_DELAY_MS, 250 * 2 ** (e.count - this.freeAttempts)), refuseForSeconds: null };
  }

  fail(ip: string): void {
    const e = this.entry(ip);
    if (e) e.count += 1;
    else this.failures.set(ip, { count: 1, first: this.clock.now().getTime() });
    if (this.failures.size > 100_000) this.failures.clear();
  }

  succeed(ip: string): void {
    this.failures.delete(ip);
  }
}
