import { parsePath } from '../rfc7643/paths.js';
import { PATCH_OP_URN } from '../rfc7643/urns.js';
import { scimErrors } from './errors.js';
import { keyOf, type Filter } from './filter.js';

type Json = Record<string, unknown>;

/** What a Group PATCH asks for, as membership commands rather than a rewritten member array. */
export interface GroupChange {
  displayName?: string;
  externalId?: string | null;
  /** Member ids (SCIM user ids) to add, and to remove. */
  add: string[];
  remove: string[];
  /** Set when the operations replace the whole membership: then `add`/`remove` apply on top of it. */
  replaceMembers: string[] | null;
}

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

function memberIds(value: unknown, i: number): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map((m) => {
    const v = isObject(m) ? m[keyOf(m, 'value') ?? 'value'] : m;
    if (typeof v !== 'string' || !v) throw scimErrors.invalidValue(`Operation ${i + 1}: members are objects with a "value" holding a user id.`);
    return v;
  });
}

/** The user ids a `members[value eq "…"]` filter names (eq terms joined by `or`). */
function filterIds(f: Filter, path: string): string[] {
  if (f.op === 'or') return (f as { filters: Filter[] }).filters.flatMap((x) => filterIds(x, path));
  const c = f as { op: string; attrPath?: string; compValue?: unknown };
  if (c.op === 'eq' && c.attrPath?.toLowerCase() === 'value' && typeof c.compValue === 'string') return [c.compValue];
  throw scimErrors.invalidFilter(`"${path}": members are selected with value eq "user id".`);
}

function addMembers(change: GroupChange, ids: string[]): void {
  if (change.replaceMembers) change.replaceMembers.push(...ids.filter((id) => !change.replaceMembers!.includes(id)));
  else {
    change.add.push(...ids);
    change.remove = change.remove.filter((id) => !ids.includes(id));
  }
}

function removeMembers(change: GroupChange, ids: string[]): void {
  if (change.replaceMembers) change.replaceMembers = change.replaceMembers.filter((id) => !ids.includes(id));
  else {
    change.remove.push(...ids);
    change.add = change.add.filter((id) => !ids.includes(id));
  }
}

function setAttribute(change: GroupChange, name: string, value: unknown, op: string, i: number): void {
  switch (name.toLowerCase()) {
    case 'displayname':
      if (typeof value !== 'string' || !value.trim()) throw scimErrors.invalidValue(`Operation ${i + 1}: "displayName" must be a non-empty string.`);
      change.displayName = value.trim();
      return;
    case 'externalid':
      change.externalId = typeof value === 'string' ? value : null;
      return;
    case 'members':
      if (op === 'replace') change.replaceMembers = [...new Set(memberIds(value, i))];
      else addMembers(change, memberIds(value, i));
      return;
    case 'id':
      // Okta sends the group's own id in path-less replaces; the same id changes nothing.
      return;
    case 'schemas':
    case 'meta':
      return;
    default:
      throw scimErrors.invalidPath(`Operation ${i + 1}: a Group has displayName, externalId and members; "${name}" is not one of them.`);
  }
}

/**
 * A Group PATCH (RFC 7644 §3.5.2) as membership commands: Entra adds and removes members with
 * `path: "members"` and `value: [{value}]` (learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups,
 * "Update Group [Add Members]" / "[Remove Members]"); Okta removes with
 * `members[value eq "…"]` and renames with a path-less replace carrying `id` and `displayName`
 * (developer.okta.com/docs/api/openapi/okta-scim/guides/scim-20, "Update a specific Group name",
 * "Update specific Group membership"). A group of 50,000 is never rewritten to add one member.
 */
export function groupPatch(request: unknown): GroupChange {
  if (!isObject(request)) throw scimErrors.invalidSyntax('A PATCH body is a PatchOp message object.');
  const schemas = Array.isArray(request.schemas) ? request.schemas : [];
  if (!schemas.some((s) => typeof s === 'string' && s.toLowerCase() === PATCH_OP_URN.toLowerCase())) throw scimErrors.invalidSyntax(`A PATCH body must list "${PATCH_OP_URN}" in "schemas".`);
  const ops = request[keyOf(request, 'Operations') ?? 'Operations'];
  if (!Array.isArray(ops) || ops.length === 0) throw scimErrors.invalidSyntax('A PATCH body needs a non-empty "Operations" array.');
  const change: GroupChange = { add: [], remove: [], replaceMembers: null };
  for (const [i, raw] of ops.entries()) {
    if (!isObject(raw)) throw scimErrors.invalidSyntax(`Operation ${i + 1} is not an object.`);
    // Only a string names an operation (an object such as {"toString": 0} cannot even be printed).
    const opValue = raw[keyOf(raw, 'op') ?? 'op'];
    const op = typeof opValue === 'string' ? opValue.toLowerCase() : '';
    const path = raw[keyOf(raw, 'path') ?? 'path'];
    const hasValue = keyOf(raw, 'value') !== undefined;
    const value = raw[keyOf(raw, 'value') ?? 'value'];
    if (path !== undefined && path !== null && typeof path !== 'string') throw scimErrors.invalidPath(`Operation ${i + 1}: "path" must be a string.`);
    if (op !== 'add' && op !== 'replace' && op !== 'remove') throw scimErrors.invalidSyntax(`Operation ${i + 1}: ${typeof opValue === 'string' ? `"${opValue}"` : `an op of type ${opValue === null ? 'null' : typeof opValue}`} is not add, replace or remove.`);
    if (op === 'remove') {
      if (!path) throw scimErrors.noTarget(`Operation ${i + 1}: "remove" needs a "path" (RFC 7644 §3.5.2.2).`);
      const p = parsePath(path);
      if (p.attr.toLowerCase() === 'members') {
        if (p.filter) removeMembers(change, filterIds(p.filter, path));
        else if (hasValue && value !== null) removeMembers(change, memberIds(value, i));
        else change.replaceMembers = [];
      } else if (p.attr.toLowerCase() === 'externalid') change.externalId = null;
      else if (p.attr.toLowerCase() === 'displayname') throw scimErrors.mutability('"displayName" is required; replace it instead of removing it.');
      else throw scimErrors.invalidPath(`Operation ${i + 1}: a Group has displayName, externalId and members; "${path}" is not one of them.`);
      continue;
    }
    if (!hasValue) throw scimErrors.invalidValue(`Operation ${i + 1} (${op}) needs a "value".`);
    if (path) setAttribute(change, parsePath(path).attr, value, op, i);
    else {
      if (!isObject(value)) throw scimErrors.invalidValue('An operation without "path" needs an object value whose keys are attributes.');
      for (const [k, v] of Object.entries(value)) setAttribute(change, k, v, op, i);
    }
  }
  return change;
}
