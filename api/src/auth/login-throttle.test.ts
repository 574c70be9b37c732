import { describe, expect, it } from 'vitest';
import { LoginThrottle } from './login-throttle.js';

function clockAt(start: number) {
  let now = start;
  return { clock: { now: () => new Date(now) }, advance: (ms: number) => (now += ms) };
}

describe('LoginThrottle', () => {
  it('lets free attempts through, then doubles the delay up to 5 s', () => {
    const { clock } = clockAt(0);
    const t = new LoginThrottle(clock, 3);
    const delays: number[] = [];
    for (let i = 0; i < 10; i++) {
      delays.push(t.check('1.2.3.4').delayMs);
      t.fail('1.2.3.4');
    }
    expect(delays).toEqual([0, 0, 0, 250, 500, 1000, 2000, 4000, 5000, 5000]);
    expect(t.check('5.6.7.8').delayMs).toBe(0);
  });

  it('refuses after 30 failures until the 15-minute window passes, and a success clears', () => {
    const { clock, advance } = clockAt(1_000_000);
    const t = new LoginThrottle(clock, 5);
    for (let i = 0; i < 30; i++) t.fail('ip');
    expect(t.check('ip').refuseForSeconds).toBe(900);
    advance(600_000);
    expect(t.check('ip').refuseForSeconds).toBe(300);
    advance(300_001);
    expect(t.check('ip')).toEqual({ delayMs: 0, refuseForSeconds: null });
    for (let i = 0; i < 8; i++) t.fail('ip');
    expect(t.check('ip').delayMs).toBeGreaterThan(0);
    t.succeed('ip');
    expect(t.check('ip').delayMs).toBe(0);
  });
});
