import { describe, expect, it } from 'vitest';
import { DUMMY_HASH, hashPassword, passwordProblem, verifyPassword } from './password.js';

describe('passwords', () => {
  it('verifies the right password, refuses others, and salts every hash', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).not.toBe(b);
    expect(a.startsWith('scrypt$32768$8$1$')).toBe(true);
    expect(a.split('$')).toHaveLength(6);
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse battery', b)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
    expect(await verifyPassword('correct horse battery ', a)).toBe(false);
    expect(await verifyPassword('', a)).toBe(false);
  });

  it('verifies with the parameters stored in the hash, so they can be raised later', async () => {
    const stored = await hashPassword('correct horse battery');
    const [, , , , salt] = stored.split('$');
    // A hash stored with other parameters (N=1024) is not comparable with one made with today's.
    const weaker = `scrypt$1024$8$1$${salt}$${stored.split('$')[5]}`;
    expect(await verifyPassword('correct horse battery', weaker)).toBe(false);
  });

  it('normalises Unicode, so a composed and a decomposed é are the same password', async () => {
    const stored = await hashPassword('caf\u00e9 au lait!');
    expect(await verifyPassword('cafe\u0301 au lait!', stored)).toBe(true);
  });

  it.each([
    ['not a hash', 'not-a-hash'],
    ['another algorithm', 'bcrypt$1$2$3$4$5'],
    ['missing parts', 'scrypt$32768$8$1$c2FsdA'],
    ['an empty hash part', 'scrypt$32768$8$1$c2FsdA$'],
    ['a cost that is not a number', 'scrypt$abc$8$1$c2FsdA$aGFzaA'],
    ['a cost that is not a power of two', 'scrypt$3$8$1$c2FsdA$aGFzaA'],
    ['a cost beyond the memory limit', 'scrypt$1073741824$8$1$c2FsdA$aGFzaA'],
    ['an empty string', ''],
  ])('treats a malformed stored hash (%s) as non-matching instead of failing', async (_what, stored) => {
    await expect(verifyPassword('x', stored)).resolves.toBe(false);
  });

  it('never matches the dummy hash used for unknown emails', async () => {
    expect(await verifyPassword('anything', DUMMY_HASH)).toBe(false);
    expect(await verifyPassword('', DUMMY_HASH)).toBe(false);
  });

  it('states what a new password needs', () => {
    expect(passwordProblem('short')).toMatch(/at least 10/);
    expect(passwordProblem('123456789')).toMatch(/at least 10/);
    expect(passwordProblem('x'.repeat(201))).toMatch(/at most 200/);
    expect(passwordProblem('ten chars!')).toBeNull();
    expect(passwordProblem('x'.repeat(200))).toBeNull();
  });
});
