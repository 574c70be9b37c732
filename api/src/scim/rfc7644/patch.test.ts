import { describe, expect, it } from 'vitest';
import { applyPatch } from './patch.js';
import { ScimError } from './errors.js';

const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const E = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const base = () => ({
  userName: 'ada',
  active: true,
  name: { givenName: 'Ada', familyName: 'Lovelace' },
  emails: [
    { value: 'ada@work.test', type: 'work', primary: true },
    { value: 'ada@home.test', type: 'home' },
  ],
  [E]: { department: 'Maths' },
});
const ops = (...Operations: unknown[]) => ({ schemas: [PATCH], Operations });

describe('applyPatch (RFC 7644 §3.5.2)', () => {
  it.each<[string, unknown[], Record<string, unknown>]>([
    ['replace a simple attribute', [{ op: 'replace', path: 'userName', value: 'lovelace' }], { userName: 'lovelace' }],
    ['capitalised op (Entra)', [{ op: 'Replace', path: 'name.familyName', value: 'King' }], { name: { givenName: 'Ada', familyName: 'King' } }],
    ['string boolean (Entra)', [{ op: 'Replace', path: 'active', value: 'False' }], { active: false }],
    ['path-less with dotted and URN keys (Entra)', [{ op: 'replace', value: { 'name.givenName': 'Augusta', [`${E}:department`]: 'CS', active: 'True' } }], { name: { givenName: 'Augusta', familyName: 'Lovelace' }, [E]: { department: 'CS' }, active: true }],
    ['path-less with the extension object', [{ op: 'add', value: { [E]: { employeeNumber: '7' } } }], { [E]: { department: 'Maths', employeeNumber: '7' } }],
    ['value filter with sub-attribute', [{ op: 'replace', path: 'emails[type eq "work"].value', value: 'a@x.test' }], { emails: [{ value: 'a@x.test', type: 'work', primary: true }, { value: 'ada@home.test', type: 'home' }] }],
    ['add through a filter that matches nothing creates the value', [{ op: 'add', path: 'phoneNumbers[type eq "work"].value', value: '123' }], { phoneNumbers: [{ type: 'work', value: '123' }] }],
    ['add to a multi-valued attribute appends and keeps one primary', [{ op: 'add', path: 'emails', value: [{ value: 'n@x.test', type: 'other', primary: true }] }], { emails: [{ value: 'ada@work.test', type: 'work', primary: false }, { value: 'ada@home.test', type: 'home' }, { value: 'n@x.test', type: 'other', primary: true }] }],
    ['add of a value already there changes nothing', [{ op: 'add', path: 'emails', value: [{ value: 'ada@home.test', type: 'home' }] }], { emails: base().emails }],
    ['path-less replace of a complex attribute keeps the sub-attributes not named (RFC 7644 §3.5.2.3, JumpCloud)', [{ op: 'replace', value: { name: { givenName: 'Augusta' } } }], { name: { givenName: 'Augusta', familyName: 'Lovelace' } }],
    ['replace of a multi-valued attribute replaces it', [{ op: 'replace', path: 'emails', value: [{ value: 'only@x.test' }] }], { emails: [{ value: 'only@x.test' }] }],
    ['remove with a filter', [{ op: 'remove', path: 'emails[type eq "home"]' }], { emails: [{ value: 'ada@work.test', type: 'work', primary: true }] }],
    ['remove a sub-attribute', [{ op: 'remove', path: 'name.givenName' }], { name: { familyName: 'Lovelace' } }],
    ['remove an extension attribute by URN path', [{ op: 'remove', path: `${E}:department` }], { [E]: {} }],
    ['remove listed values (Entra members)', [{ op: 'Remove', path: 'emails', value: [{ value: 'ada@home.test' }] }], { emails: [{ value: 'ada@work.test', type: 'work', primary: true }] }],
    ['replace with null removes', [{ op: 'replace', path: 'name', value: null }], { name: undefined }],
    ['attribute names are case-insensitive', [{ op: 'replace', path: 'NAME.GIVENNAME', value: 'A' }], { name: { givenName: 'A', familyName: 'Lovelace' } }],
    ['several operations in order', [{ op: 'add', path: 'title', value: 'Countess' }, { op: 'replace', path: 'title', value: 'Analyst' }], { title: 'Analyst' }],
  ])('%s', (_name, operations, expected) => {
    const before = base();
    const out = applyPatch(before, ops(...operations));
    for (const [k, v] of Object.entries(expected)) expect(out[k]).toEqual(v);
    expect(before).toEqual(base());
  });

  it.each<[string, unknown, string]>([
    ['no PatchOp schema', { Operations: [{ op: 'add', path: 'title', value: 'x' }] }, 'invalidSyntax'],
    ['no operations', { schemas: [PATCH], Operations: [] }, 'invalidSyntax'],
    ['unknown op', ops({ op: 'move', path: 'title', value: 'x' }), 'invalidSyntax'],
    ['remove without a path', ops({ op: 'remove' }), 'noTarget'],
    ['add without a value', ops({ op: 'add', path: 'title' }), 'invalidValue'],
    ['path-less value that is not an object', ops({ op: 'replace', value: 'x' }), 'invalidValue'],
    ['read-only id', ops({ op: 'replace', path: 'id', value: 'x' }), 'mutability'],
    ['read-only groups', ops({ op: 'add', path: 'groups', value: [{ value: 'g' }] }), 'mutability'],
    ['malformed path', ops({ op: 'replace', path: 'emails[type eq', value: 'x' }), 'invalidPath'],
    ['a filter that cannot describe a new value', ops({ op: 'replace', path: 'emails[type eq "x" or type eq "y"].value', value: 'x' }), 'noTarget'],
  ])('%s is refused', (_name, request, scimType) => {
    try {
      applyPatch(base(), request as never);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ScimError);
      expect((err as ScimError).scimType).toBe(scimType);
    }
  });
});
