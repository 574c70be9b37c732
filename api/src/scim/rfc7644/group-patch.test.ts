import { describe, expect, it } from 'vitest';
import { groupPatch } from './group-patch.js';
import { ScimError } from './errors.js';

const ops = (...Operations: unknown[]) => ({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations });

describe('groupPatch', () => {
  it.each<[string, unknown[], Record<string, unknown>]>([
    ['Entra add members', [{ op: 'Add', path: 'members', value: [{ $ref: null, value: 'u1' }, { value: 'u2' }] }], { add: ['u1', 'u2'], remove: [], replaceMembers: null }],
    ['Entra remove members by value', [{ op: 'Remove', path: 'members', value: [{ value: 'u1' }] }], { add: [], remove: ['u1'], replaceMembers: null }],
    ['Okta remove by value filter', [{ op: 'remove', path: 'members[value eq "u3"]' }], { remove: ['u3'] }],
    ['or of values', [{ op: 'remove', path: 'members[value eq "a" or value eq "b"]' }], { remove: ['a', 'b'] }],
    ['remove all members', [{ op: 'remove', path: 'members' }], { replaceMembers: [] }],
    ['replace members then add', [{ op: 'replace', path: 'members', value: [{ value: 'a' }] }, { op: 'add', path: 'members', value: [{ value: 'b' }] }], { replaceMembers: ['a', 'b'] }],
    ['add then remove the same', [{ op: 'add', path: 'members', value: [{ value: 'a' }] }, { op: 'remove', path: 'members[value eq "a"]' }], { add: [], remove: ['a'] }],
    ['Okta path-less rename with id', [{ op: 'replace', value: { id: 'g1', displayName: 'New' } }], { displayName: 'New' }],
    ['Entra displayName replace', [{ op: 'Replace', path: 'displayName', value: ' Eng ' }], { displayName: 'Eng' }],
    ['externalId', [{ op: 'replace', path: 'externalId', value: 'x' }], { externalId: 'x' }],
  ])('%s', (_name, operations, expected) => {
    expect(groupPatch(ops(...operations))).toMatchObject(expected);
  });

  it.each<[string, unknown, string]>([
    ['unknown attribute', ops({ op: 'replace', path: 'owner', value: 'x' }), 'invalidPath'],
    ['removing displayName', ops({ op: 'remove', path: 'displayName' }), 'mutability'],
    ['members filter on another attribute', ops({ op: 'remove', path: 'members[display eq "x"]' }), 'invalidFilter'],
    ['member without value', ops({ op: 'add', path: 'members', value: [{ display: 'x' }] }), 'invalidValue'],
    ['no PatchOp schema', { Operations: [] }, 'invalidSyntax'],
  ])('%s is refused', (_name, request, scimType) => {
    expect(() => groupPatch(request)).toThrow(ScimError);
    try {
      groupPatch(request);
    } catch (err) {
      expect((err as ScimError).scimType).toBe(scimType);
    }
  });
});
