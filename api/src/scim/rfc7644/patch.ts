import { parsePath, container, type AttrPath } from '../rfc7643/paths.js';
import { MULTI_VALUED, PATCH_OP_URN } from '../rfc7643/urns.js';
import { scimErrors } from './errors.js';
import { equalities, keyOf, matches } from './filter.js';

type Json = Record<string, unknown>;
type Mode = 'add' | 'replace';

/** Attributes a client may not write (RFC 7643 §3.1, §4.1.2: `id`, `meta` and a user's `groups` are readOnly). */
const READ_ONLY = new Set(['id', 'meta', 'groups']);
/** Boolean attributes that identity providers send as strings. */
const BOOLEANS = new Set(['active', 'primary']);

/**
 * Booleans as strings become booleans: Microsoft Entra ID sends `"active": "False"` in PATCH
 * values (learn.microsoft.com/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility,
 * fixed only behind the `aadOptscim062020` flag).
 */
export function coerceBooleans(value: unknown, name?: string): unknown {
  if (typeof value === 'string' && name && BOOLEANS.has(name.toLowerCase()) && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  if (Array.isArray(value)) return value.map((v) => coerceBooleans(v));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Json).map(([k, v]) => [k, coerceBooleans(v, k)]));
  }
  return value;
}

function checkWritable(p: AttrPath): void {
  if (!p.schema && READ_ONLY.has(p.attr.toLowerCase())) throw scimErrors.mutability(`"${p.attr}" is read-only; it cannot be added, replaced or removed.`);
}

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const sameValue = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Adds elements to a multi-valued attribute, skipping ones already there (RFC 7644 §3.5.2.1); one `primary` at most. */
function appendValues(existing: unknown[], added: unknown[]): unknown[] {
  const out = [...existing];
  for (const v of added) {
    if (out.some((e) => sameValue(e, v) || (isObject(e) && isObject(v) && e.value !== undefined && sameValue(e.value, v.value) && sameValue(e.type, v.type)))) continue;
    if (isObject(v) && v.primary === true) for (const e of out) if (isObject(e) && e.primary === true) e.primary = false;
    out.push(v);
  }
  return out;
}

function setAt(resource: Json, p: AttrPath, value: unknown, mode: Mode): void {
  checkWritable(p);
  const holder = container(resource, p.schema, true)!;
  const key = keyOf(holder, p.attr) ?? p.attr;
  const multi = MULTI_VALUED.has(p.attr.toLowerCase());
  if (value === null) return removeAt(resource, p, undefined);

  if (p.filter) {
    const list = Array.isArray(holder[key]) ? (holder[key] as unknown[]) : [];
    let hits = list.filter((el) => matches(el, p.filter!));
    if (hits.length === 0) {
      // Entra adds and replaces `emails[type eq "work"].value` on users that have no work email
      // yet: the element the filter describes is created rather than answering noTarget.
      const seed = equalities(p.filter);
      if (!seed) throw scimErrors.noTarget(`No value of "${p.attr}" matches the filter, and it is not one that describes a new value (attr eq value).`);
      const el: Json = { ...seed };
      list.push(el);
      hits = [el];
    }
    for (const el of hits) {
      if (!isObject(el)) continue;
      if (p.sub) el[keyOf(el, p.sub) ?? p.sub] = value;
      else if (isObject(value)) {
        if (mode === 'replace') for (const k of Object.keys(el)) delete el[k];
        Object.assign(el, value);
      } else throw scimErrors.invalidValue(`A value for "${p.attr}[…]" must be an object.`);
    }
    holder[key] = list;
    return;
  }
  if (p.sub) {
    const cur = holder[key];
    if (Array.isArray(cur)) {
      for (const el of cur) if (isObject(el)) el[keyOf(el, p.sub) ?? p.sub] = value;
      return;
    }
    const obj = isObject(cur) ? cur : {};
    obj[keyOf(obj, p.sub) ?? p.sub] = value;
    holder[key] = obj;
    return;
  }
  if (multi) {
    const values = Array.isArray(value) ? value : [value];
    holder[key] = mode === 'add' && Array.isArray(holder[key]) ? appendValues(holder[key] as unknown[], values) : appendValues([], values);
    return;
  }
  // A complex attribute (name, manager) keeps the sub-attributes the value does not name, for
  // replace as for add (RFC 7644 §3.5.2.3: "Sub-attributes that are not specified in the value
  // parameter are left unchanged"); JumpCloud sends `{"op":"replace","value":{"name":{"givenName":…}}}`.
  if (isObject(value) && isObject(holder[key])) Object.assign(holder[key] as Json, value);
  else holder[key] = value;
}

function removeAt(resource: Json, p: AttrPath, value: unknown): void {
  checkWritable(p);
  const holder = container(resource, p.schema, false);
  if (!holder) return;
  const key = keyOf(holder, p.attr);
  if (key === undefined) return;
  const cur = holder[key];
  if (p.filter) {
    if (!Array.isArray(cur)) return;
    if (p.sub) {
      for (const el of cur) if (isObject(el) && matches(el, p.filter)) delete el[keyOf(el, p.sub) ?? p.sub];
    } else holder[key] = cur.filter((el) => !matches(el, p.filter!));
    return;
  }
  if (p.sub) {
    for (const el of Array.isArray(cur) ? cur : [cur]) if (isObject(el)) delete el[keyOf(el, p.sub) ?? p.sub];
    return;
  }
  // Entra removes group members as {"op":"Remove","path":"members","value":[{"value":"id"}]}:
  // with a value, only those elements go (learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups, "Update Group [Remove Members]").
  if (Array.isArray(cur) && Array.isArray(value)) {
    const gone = value.map((v) => (isObject(v) ? v.value : v));
    holder[key] = cur.filter((el) => !gone.some((g) => sameValue(isObject(el) ? el.value : el, g)));
    return;
  }
  delete holder[key];
}

/** A path-less add or replace (RFC 7644 §3.5.2.1/.3): each key of the value is a path of its own. */
function setAll(resource: Json, value: unknown, mode: Mode): void {
  if (!isObject(value)) throw scimErrors.invalidValue('An operation without "path" needs an object value whose keys are attributes.');
  for (const [k, v] of Object.entries(value)) {
    if (k.toLowerCase() === 'schemas') continue;
    // An extension schema's URN key (…:2.0:User) holds an object of that schema's attributes.
    if (isSchemaUrn(k) && isObject(v)) {
      for (const [sk, sv] of Object.entries(v)) setAt(resource, parsePath(`${k}:${sk}`), sv, mode);
      continue;
    }
    // Entra sends dotted keys ("name.givenName") and URN-qualified keys in path-less replaces.
    setAt(resource, parsePath(k), v, mode);
  }
}

/** Whether a key is a schema URN (…:User, …:Group) rather than a URN-qualified attribute (…:User:employeeNumber). */
function isSchemaUrn(key: string): boolean {
  return /^urn:/i.test(key) && /:(User|Group)$/i.test(key);
}

export interface PatchRequest {
  schemas?: unknown;
  Operations?: unknown;
}

/**
 * Applies an RFC 7644 §3.5.2 PATCH to a copy of a resource and returns it. Accepts what real
 * identity providers send: Entra's capitalised op names (`Replace`, `Add`), string booleans, and
 * path-less values with dotted or URN keys; Okta's and OneLogin's lower-case ops with value
 * filters in paths. Nothing is changed when any operation fails.
 */
export function applyPatch(resource: Json, request: PatchRequest): Json {
  if (!isObject(request)) throw scimErrors.invalidSyntax('A PATCH body is a PatchOp message object.');
  const schemas = Array.isArray(request.schemas) ? request.schemas : [];
  if (!schemas.some((s) => typeof s === 'string' && s.toLowerCase() === PATCH_OP_URN.toLowerCase())) {
    throw scimErrors.invalidSyntax(`A PATCH body must list "${PATCH_OP_URN}" in "schemas".`);
  }
  const opsKey = keyOf(request as Json, 'Operations');
  const ops = opsKey ? (request as Json)[opsKey] : undefined;
  if (!Array.isArray(ops) || ops.length === 0) throw scimErrors.invalidSyntax('A PATCH body needs a non-empty "Operations" array.');
  const out = structuredClone(resource);
  for (const [i, raw] of ops.entries()) {
    if (!isObject(raw)) throw scimErrors.invalidSyntax(`Operation ${i + 1} is not an object.`);
    // Only a string names an operation (an object such as {"toString": 0} cannot even be printed).
    const opValue = raw[keyOf(raw, 'op') ?? 'op'];
    const op = typeof opValue === 'string' ? opValue.toLowerCase() : '';
    const pathKey = keyOf(raw, 'path');
    const path = pathKey ? raw[pathKey] : undefined;
    const valueKey = keyOf(raw, 'value');
    const value = coerceBooleans(valueKey ? raw[valueKey] : undefined, typeof path === 'string' ? path.split('.').pop() : undefined);
    if (path !== undefined && path !== null && typeof path !== 'string') throw scimErrors.invalidPath(`Operation ${i + 1}: "path" must be a string.`);
    switch (op) {
      case 'add':
      case 'replace':
        if (valueKey === undefined) throw scimErrors.invalidValue(`Operation ${i + 1} (${op}) needs a "value".`);
        if (path) setAt(out, parsePath(path), value, op);
        else setAll(out, value, op);
        break;
      case 'remove':
        if (!path) throw scimErrors.noTarget(`Operation ${i + 1}: "remove" needs a "path" (RFC 7644 §3.5.2.2).`);
        removeAt(out, parsePath(path), value);
        break;
      default:
        throw scimErrors.invalidSyntax(`Operation ${i + 1}: ${typeof opValue === 'string' ? `"${opValue}"` : `an op of type ${opValue === null ? 'null' : typeof opValue}`} is not add, replace or remove.`);
    }
  }
  return out;
}
