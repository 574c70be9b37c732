import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fcParams } from '../../../../tests/support/property.js';
import { applyPatch } from './patch.js';
import { readPath } from '../rfc7643/paths.js';
import { ScimError } from './errors.js';

const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const E = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const ops = (Operations: unknown[]) => ({ schemas: [PATCH], Operations });

/** Single-valued paths a model can follow: simple, sub-attribute, extension, and a work email's value. */
const PATHS = ['displayName', 'title', 'nickName', 'name.givenName', 'name.familyName', `${E}:employeeNumber`, `${E}:department`, 'emails[type eq "work"].value'] as const;
const text = fc.string({ minLength: 1, maxLength: 12 });
const resource = fc.record(
  {
    userName: text,
    displayName: text,
    title: text,
    name: fc.record({ givenName: text, familyName: text }, { requiredKeys: [] }),
    emails: fc.array(fc.record({ value: text, type: fc.constantFrom('home', 'other') }), { maxLength: 2 }),
    [E]: fc.record({ department: text }, { requiredKeys: [] }),
  },
  { requiredKeys: ['userName'] },
);
type Op = { op: 'add' | 'replace' | 'remove'; path: (typeof PATHS)[number]; value?: string };
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constantFrom('add' as const, 'replace' as const), path: fc.constantFrom(...PATHS), value: text }),
  fc.record({ op: fc.constant('remove' as const), path: fc.constantFrom(...PATHS) }),
);

describe('SCIM PATCH, as properties (RFC 7644 §3.5.2)', () => {
  it('applying operations then reading each path back equals a model of the operations', () => {
    fc.assert(
      fc.property(resource, fc.array(op, { minLength: 1, maxLength: 8 }), (r, list) => {
        const model = new Map<string, unknown>(PATHS.map((p) => [p, readPath(r, p)]));
        for (const o of list) model.set(o.path, o.op === 'remove' ? undefined : o.value);
        const out = applyPatch(r, ops(list));
        for (const p of PATHS) expect(readPath(out, p), p).toEqual(model.get(p));
        // Attributes no operation named are untouched.
        expect(out.userName).toBe(r.userName);
      }),
      fcParams(500),
    );
  });

  it('adding an attribute then removing it restores the resource', () => {
    fc.assert(
      fc.property(resource, fc.constantFrom('nickName', 'profileUrl', 'locale', `${E}:costCenter`, 'phoneNumbers'), text, (r, path, value) => {
        const out = applyPatch(r, ops([{ op: 'add', path, value: path === 'phoneNumbers' ? [{ value, type: 'work' }] : value }, { op: 'remove', path }]));
        // The extension object the add created stays, empty: compare without empty objects.
        const pruned = JSON.parse(JSON.stringify(out, (_k, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0 ? undefined : v))) as unknown;
        const original = JSON.parse(JSON.stringify(r, (_k, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0 ? undefined : v))) as unknown;
        expect(pruned).toEqual(original);
      }),
      fcParams(300),
    );
  });

  it('never changes the resource it is given, also when an operation fails', () => {
    fc.assert(
      fc.property(resource, fc.array(fc.oneof(op, fc.record({ op: fc.constant('replace'), path: fc.constant('id'), value: text })), { minLength: 1, maxLength: 5 }), (r, list) => {
        const before = structuredClone(r);
        try {
          applyPatch(r, ops(list));
        } catch (err) {
          expect(err).toBeInstanceOf(ScimError);
        }
        expect(r).toEqual(before);
      }),
      fcParams(300),
    );
  });

  // An empty path is no path: the operation is path-less (RFC 7644 §3.5.2.1), as in the tests above.
  it('refuses paths that are not attribute paths with 400 invalidPath (or invalidFilter inside brackets), never another error', () => {
    const badPath = fc.oneof(
      fc.string({ minLength: 1, maxLength: 30 }).filter((s) => !/^\s*[A-Za-z$][\w$-]*(\[.+\])?(\.[A-Za-z$][\w$-]*)?\s*$/.test(s) && !/^urn:/i.test(s.trim())),
      fc.constantFrom('1abc', 'a..b', 'a.b.c', '.a', 'a.', 'emails[', 'emails[]', 'a b', 'urn:x', 'emails[type eq]', 'emails[type zz "x"]', 'name.', '[x]'),
    );
    fc.assert(
      fc.property(fc.constantFrom('add', 'replace', 'remove'), badPath, fc.jsonValue({ maxDepth: 2 }), (o, path, value) => {
        try {
          applyPatch({ userName: 'ada' }, ops([{ op: o, path, value }]));
        } catch (err) {
          expect(err).toBeInstanceOf(ScimError);
          expect((err as ScimError).status).toBe(400);
          expect(['invalidPath', 'invalidFilter']).toContain((err as ScimError).scimType);
          return;
        }
        throw new Error(`"${path}" was accepted as a path`);
      }),
      fcParams(500),
    );
  });

  it('answers any operation of any shape with a result or a 4xx ScimError', () => {
    const anyOp = fc.record({ op: fc.oneof(fc.constantFrom('add', 'Replace', 'remove', 'copy'), fc.jsonValue()), path: fc.oneof(fc.constantFrom(...PATHS, 'emails', 'members', 'groups', 'meta.created'), fc.jsonValue()), value: fc.jsonValue({ maxDepth: 3 }) }, { requiredKeys: [] });
    fc.assert(
      fc.property(resource, fc.oneof(fc.array(anyOp, { maxLength: 4 }), fc.jsonValue()), (r, list) => {
        try {
          applyPatch(r, { schemas: [PATCH], Operations: list });
        } catch (err) {
          expect(err).toBeInstanceOf(ScimError);
          expect((err as ScimError).status).toBe(400);
          expect(['invalidPath', 'invalidValue', 'invalidFilter', 'invalidSyntax', 'noTarget', 'mutability']).toContain((err as ScimError).scimType);
        }
      }),
      fcParams(500),
    );
  });
});
