import { describe, expect, it } from 'vitest';
import { LoginThrottle } from './login-throttle.js';
import type { Clock } from '../shared/clock.js';

/** A clock the test moves by hand. */
function fakeClock(start: number): { clock: Clock; advance: (ms: number) => void } {
  let now = start;
  return { clock: { now: () => new Date(now) }, advance: (ms) => (now += ms) };
}

const MINUTE = 60_000;
const WINDOW = 15 * MINUTE;

describe('LoginThrottle', () => {
  it('lets free attempts through, then doubles the delay up to 5 s', () => {
    const { clock } = fakeClock(0);
    const t = new LoginThrottle(clock, 3);
    const delays: number[] = [];
    for (let i = 0; i < 12; i++) {
      delays.push(t.check('1.2.3.4').delayMs);
      t.fail('1.2.3.4');
    }
    expect(delays).toEqual([0, 0, 0, 250, 500, 1000, 2000, 4000, 5000, 5000, 5000, 5000]);
  });

  it('counts each address on its own, and checking is not failing', () => {
    const { clock } = fakeClock(0);
    const t = new LoginThrottle(clock, 2);
    for (let i = 0; i < 10; i++) expect(t.check('10.0.0.1').delayMs).toBe(0);
    t.fail('10.0.0.1');
    t.fail('10.0.0.1');
    expect(t.check('10.0.0.1').delayMs).toBe(250);
    expect(t.check('10.0.0.2')).toEqual({ delayMs: 0, refuseForSeconds: null });
    expect(t.check('10.0.0.1').delayMs).toBe(250);
  });

  it('refuses from the 30th failure, with the seconds left in the window', () => {
    const { clock, advance } = fakeClock(1_000_000);
    const t = new LoginThrottle(clock, 5);
    for (let i = 0; i < 29; i++) t.fail('ip');
    expect(t.check('ip')).toEqual({ delayMs: 5000, refuseForSeconds: null });
    t.fail('ip');
    expect(t.check('ip')).toEqual({ delayMs: 0, refuseForSeconds: 900 });
    advance(10 * MINUTE);
    expect(t.check('ip').refuseForSeconds).toBe(300);
    advance(5 * MINUTE - 500);
    expect(t.check('ip').refuseForSeconds).toBe(1);
    // More failures while refused do not extend the window: it counts from the first failure.
    t.fail('ip');
    advance(501);
    expect(t.check('ip')).toEqual({ delayMs: 0, refuseForSeconds: null });
  });

  it('forgets failures once the 15-minute window since the first has passed', () => {
    const { clock, advance } = fakeClock(0);
    const t = new LoginThrottle(clock, 1);
    t.fail('ip');
    advance(WINDOW - 1);
    t.fail('ip');
    expect(t.check('ip').delayMs).toBe(500);
    advance(2);
    expect(t.check('ip').delayMs).toBe(0);
    // A failure after the window starts a new count.
    t.fail('ip');
    expect(t.check('ip').delayMs).toBe(250);
  });

  it('a success clears the address, even when it was refused', () => {
    const { clock } = fakeClock(0);
    const t = new LoginThrottle(clock, 5);
    for (let i = 0; i < 8; i++) t.fail('ip');
    t.fail('other');
    expect(t.check('ip').delayMs).toBe(2000);
    t.succeed('ip');
    expect(t.check('ip')).toEqual({ delayMs: 0, refuseForSeconds: null });
    for (let i = 0; i < 30; i++) t.fail('ip');
    expect(t.check('ip').refuseForSeconds).toBeGreaterThan(0);
    t.succeed('ip');
    expect(t.check('ip').refuseForSeconds).toBeNull();
    // Only that address: "other" keeps its one failure, so its fifth still slows it down.
    for (let i = 0; i < 3; i++) t.fail('other');
    expect(t.check('other').delayMs).toBe(0);
    t.fail('other');
    expect(t.check('other').delayMs).toBe(250);
  });
});
