import { coerceBooleans } from '../rfc7644/patch.js';
import { scimErrors } from '../rfc7644/errors.js';
import { keyOf } from '../rfc7644/filter.js';
import { ENTERPRISE_URN, MULTI_VALUED, USER_URN } from './urns.js';

type Json = Record<string, unknown>;

/** Core User attribute names (RFC 7643 §4.1), to store them in their canonical case. */
const CORE_NAMES = [
  'userName', 'name', 'displayName', 'nickName', 'profileUrl', 'title', 'userType', 'preferredLanguage', 'locale', 'timezone', 'active',
  'password', 'emails', 'phoneNumbers', 'ims', 'photos', 'addresses', 'groups', 'entitlements', 'roles', 'x509Certificates', 'externalId',
];
const CANONICAL = new Map(CORE_NAMES.map((n) => [n.toLowerCase(), n]));
/** Never stored or returned: readOnly or server-assigned (RFC 7643 §3.1), or secret (§4.1.1 password). */
const DROPPED = new Set(['id', 'meta', 'schemas', 'groups', 'password']);

/**
 * A User resource as received, made ready to store: attribute names in canonical case, the
 * enterprise extension under its URN (also when sent as URN-qualified top-level keys, as some
 * IdPs do), booleans sent as strings made booleans, readOnly and secret attributes dropped.
 * 400 invalidValue without a userName (RFC 7643 §4.1.1: required).
 */
export function normaliseUser(body: unknown): { resource: Json; userName: string; externalId: string | null; active: boolean | null } {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw scimErrors.invalidSyntax('A User is a JSON object (RFC 7643 §4.1).');
  const input = coerceBooleans(body) as Json;
  const out: Json = {};
  for (const [k, v] of Object.entries(input)) {
    const lower = k.toLowerCase();
    if (lower.startsWith(`${ENTERPRISE_URN.toLowerCase()}:`)) {
      const ext = ((out[ENTERPRISE_URN] as Json | undefined) ??= {}) as Json;
      ext[k.slice(ENTERPRISE_URN.length + 1)] = v;
      continue;
    }
    if (lower === ENTERPRISE_URN.toLowerCase()) {
      if (v && typeof v === 'object') out[ENTERPRISE_URN] = { ...((out[ENTERPRISE_URN] as Json) ?? {}), ...(v as Json) };
      continue;
    }
    const name = CANONICAL.get(lower) ?? k;
    if (DROPPED.has(name)) continue;
    // OneLogin's documented enterprise template sends `"emails": { "value": …, "type": "work" }`, one
    // object where RFC 7643 §4.1.2 has an array (developers.onelogin.com/scim/define-user-schema).
    out[name] = MULTI_VALUED.has(lower) && v !== null && typeof v === 'object' && !Array.isArray(v) ? [v] : v;
  }
  const userName = out.userName;
  if (typeof userName !== 'string' || userName.trim() === '') throw scimErrors.invalidValue('"userName" is required (RFC 7643 §4.1.1) and must be a non-empty string.');
  if (out.active !== undefined && out.active !== null && typeof out.active !== 'boolean') throw scimErrors.invalidValue('"active" must be true or false.');
  const externalId = out.externalId;
  if (externalId !== undefined && externalId !== null && typeof externalId !== 'string') throw scimErrors.invalidValue('"externalId" must be a string.');
  return { resource: out, userName: userName.trim(), externalId: (externalId as string | undefined) ?? null, active: (out.active as boolean | undefined) ?? null };
}

/** The weak ETag of a version (RFC 7644 §3.14). */
export const etag = (version: string) => `W/"${version}"`;

/**
 * Keys of a stored resource that a representation does not copy from it: server-assigned (`id`,
 * `meta`, `schemas`), or shown from Rollcall's own record (`userName`, `externalId`, `active`,
 * `groups`). Both renderings below, and the SQL that feeds `userJson`, leave out exactly these.
 */
export const RESOURCE_RESERVED = ['schemas', 'id', 'meta', 'active', 'userName', 'externalId', 'groups'] as const;
const RESERVED = new Set<string>(RESOURCE_RESERVED);

/** The part of a stored user every representation shows. */
interface UserHead {
  scimId: string;
  userName: string;
  externalId: string | null;
  active: boolean;
  version: string;
}

/**
 * A stored user as RFC 7643 §4.1 represents it, with `meta` (§3.1): `schemas` (the core URN and
 * the extensions the resource holds), `id`, `externalId`, the resource's other attributes,
 * `userName`, `active`, `groups` and `meta`, in that order.
 */
export function userRepresentation(u: UserHead & { resource: Json; createdAt: Date; updatedAt: Date }, location: string, groups: Array<{ value: string; display: string }> = []): Json {
  const rest = Object.fromEntries(Object.entries(u.resource).filter(([k]) => !RESERVED.has(k)));
  const extensions = Object.keys(rest).filter((k) => /^urn:/i.test(k));
  return {
    schemas: [USER_URN, ...extensions],
    id: u.scimId,
    ...(u.externalId !== null ? { externalId: u.externalId } : {}),
    ...rest,
    userName: u.userName,
    active: u.active,
    ...(groups.length > 0 ? { groups: groups.map((g) => ({ ...g, $ref: location.replace(/\/Users\/[^/]+$/, `/Groups/${g.value}`) })) } : {}),
    meta: { resourceType: 'User', created: u.createdAt.toISOString(), lastModified: u.updatedAt.toISOString(), location, version: etag(u.version) },
  };
}

/**
 * A stored user as PostgreSQL hands it over already as JSON text, for list pages: the resource
 * without the reserved keys (`rest`, a JSON object), its extension URNs (a JSON array, or null
 * without any), `groups` with their `$ref` (a JSON array, or null without any) and both times as
 * ISO 8601 with milliseconds (as `Date.toISOString` writes them).
 */
export interface UserText extends UserHead {
  rest: string;
  extensions: string | null;
  groups: string | null;
  created: string;
  lastModified: string;
}

const CORE_SCHEMAS = JSON.stringify([USER_URN]);

/**
 * `userRepresentation` written straight as JSON text from `UserText` (the same attributes in the
 * same order, so a page and a GET of the same user parse to equal objects): a page of 100 users
 * costs no parsing of their resources, no objects and no serialising of them again.
 */
export function userJson(u: UserText, location: string): string {
  const rest = u.rest.length > 2 ? `,${u.rest.slice(1, -1)}` : '';
  return `{"schemas":${u.extensions ? `${CORE_SCHEMAS.slice(0, -1)},${u.extensions.slice(1)}` : CORE_SCHEMAS},"id":${JSON.stringify(u.scimId)}${
    u.externalId !== null ? `,"externalId":${JSON.stringify(u.externalId)}` : ''
  }${rest},"userName":${JSON.stringify(u.userName)},"active":${u.active}${u.groups ? `,"groups":${u.groups}` : ''},"meta":{"resourceType":"User","created":"${u.created}","lastModified":"${
    u.lastModified
  }","location":${JSON.stringify(location)},"version":${JSON.stringify(etag(u.version))}}}`;
}

/** Reads a property case-insensitively (for request bodies such as `.search`). */
export function prop(body: Json, name: string): unknown {
  const k = keyOf(body, name);
  return k === undefined ? undefined : body[k];
}
