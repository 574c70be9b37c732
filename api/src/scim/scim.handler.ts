import type { MikroORM } from '@mikro-orm/postgresql';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { isUuid } from '../shared/ids.js';
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from '../shared/db-unavailable.js';
import { isStorableText, jsonProblem, storableText } from '../shared/text.js';
import type { Actor } from '../audit/audit-entry.entity.js';
import { ScimError, scimErrors } from './rfc7644/errors.js';
import { parseFilter } from './rfc7644/filter.js';
import { applyPatch, type PatchRequest } from './rfc7644/patch.js';
import { checkProjection, project } from './rfc7644/projection.js';
import { MAX_RESULTS, resourceTypes, schemas, serviceProviderConfig } from './rfc7643/discovery.js';
import { GROUP_URN, LIST_RESPONSE_URN } from './rfc7643/urns.js';
import { etag, normaliseUser, prop, userRepresentation } from './rfc7643/user.js';
import type { ScimCaller, ScimConnectionsService } from './scim-connections.service.js';
import type { ScimUsersStore, StoredUser, WriteOutcome } from './storage/scim-users.store.js';
import type { GroupMember, ScimGroupsStore, StoredGroup } from './storage/scim-groups.store.js';
import { groupPatch } from './rfc7644/group-patch.js';
import type { RateLimiter } from './rate-limit.js';
import { redactBody, type ProvisioningLog } from './provisioning-log.js';

/** A SCIM request, independent of the HTTP framework. */
export interface ScimRequest {
  method: string;
  listId: string;
  /** The path below the list's base URL, e.g. `/Users/123`. */
  path: string;
  /** Where the list's base URL is, for `meta.location`. */
  baseUrl: string;
  query: Record<string, string | undefined>;
  headers: { authorization?: string; ifMatch?: string; ifNoneMatch?: string; userAgent?: string; contentType?: string };
  /** The raw body, when there is one. */
  body: string | undefined;
}

export interface ScimResponse {
  status: number;
  headers: Record<string, string>;
  /** A JSON value, or JSON already written as text. */
  body?: unknown;
}

/** A response body that is JSON text already (sent as it is). */
export class JsonText {
  constructor(readonly text: string) {}
}

/** What a request did, for the provisioning log. */
export interface ScimOutcome {
  operation: WriteOutcome | 'read' | 'error' | null;
  personId: string | null;
}

type Json = Record<string, unknown>;
/** Groups with more members than this answer a PATCH with 204 (no body) unless attributes are asked for. */
const LARGE_GROUP = 1000;
/** Deeper bodies are refused: no SCIM resource nests more than a few levels (RFC 7643 §2.4, §8.7.1). */
const MAX_BODY_DEPTH = 32;
const JSON_TYPES = /^application\/(scim\+)?json\b/i;

/** Who sent a request, from its User-Agent (for the audit trail and the provisioning log). */
export function identityProvider(userAgent: string | undefined): string {
  const ua = userAgent ?? '';
  if (/okta/i.test(ua)) return 'Okta';
  if (/azure|microsoft|entra|aad/i.test(ua)) return 'Microsoft Entra ID';
  if (/onelogin/i.test(ua)) return 'OneLogin';
  if (/jumpcloud/i.test(ua)) return 'JumpCloud';
  if (/ping/i.test(ua)) return 'PingOne';
  return 'SCIM client';
}

/**
 * The SCIM service provider core (RFC 7644): authenticates the list token, dispatches by path and
 * method, and answers in SCIM's shapes. It knows nothing of express; `scim.edge.ts` serves it over HTTP.
 */
export class ScimHandler {
  constructor(
    private readonly deps: { orm: MikroORM; clock: Clock; logger: Logger; connections: ScimConnectionsService; users: ScimUsersStore; groups: ScimGroupsStore; limiter: RateLimiter; log: ProvisioningLog },
  ) {}

  async handle(req: ScimRequest): Promise<{ response: ScimResponse; outcome: ScimOutcome; caller: ScimCaller | null }> {
    const started = performance.now();
    const outcome: ScimOutcome = { operation: null, personId: null };
    let caller: ScimCaller | null = null;
    let response: ScimResponse;
    try {
      caller = await this.authenticate(req);
      response = await this.route(req, caller, outcome);
    } catch (err) {
      outcome.operation = 'error';
      if (err instanceof ScimError) response = errorResponse(err);
      else if (isDatabaseUnavailable(err)) {
        this.deps.logger.warn({ err, method: req.method, path: req.path }, 'SCIM request failed: database unavailable');
        response = errorResponse(scimErrors.serviceUnavailable(DATABASE_RETRY_AFTER_SECONDS));
      } else {
        this.deps.logger.error({ err, method: req.method, path: req.path }, 'SCIM request failed');
        response = errorResponse(scimErrors.internal());
      }
    }
    if (isUuid(req.listId)) {
      const query = Object.entries(req.query).map(([k, v]) => (v ? `${k}=${v}` : k)).join('&');
      this.deps.log.record({
        listId: req.listId.toLowerCase(),
        tokenId: caller?.tokenId ?? null,
        operation: outcome.operation ?? 'read',
        personId: outcome.personId,
        method: req.method.toUpperCase(),
        path: storableText(`${req.path}${query ? `?${query}` : ''}`.slice(0, 2000)),
        status: response.status,
        idp: identityProvider(req.headers.userAgent),
        userAgent: req.headers.userAgent === undefined ? null : storableText(req.headers.userAgent.slice(0, 500)),
        durationMs: Math.round(performance.now() - started),
        requestBody: redactBody(req.body),
        detail: response.status >= 400 ? storableText(String((response.body as { detail?: unknown } | undefined)?.detail ?? '')) : null,
      });
    }
    return { response, outcome, caller };
  }

  private async authenticate(req: ScimRequest): Promise<ScimCaller> {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    if (!m) throw scimErrors.unauthorized('Send the list’s SCIM token as "Authorization: Bearer sct_…" (generate one on the list’s Sync tab).');
    // Statements only (no unit of work): the global EntityManager, no fork per request.
    const caller = await this.deps.connections.authenticate(this.deps.orm.em, m[1]!);
    if (!caller) throw scimErrors.unauthorized('The bearer token is not valid: it is unknown, revoked, or its list is no longer connected to SCIM. Generate a new token on the list’s Sync tab.');
    // Another list, even in the same organisation, does not exist for this token.
    if (!isUuid(req.listId) || caller.listId !== req.listId.toLowerCase()) throw scimErrors.notFound('There is no SCIM service at this address for this token; check the base URL.');
    const wait = this.deps.limiter.take(caller.tokenId);
    if (wait > 0) throw scimErrors.tooManyRequests(wait);
    return caller;
  }

  private parseBody(req: ScimRequest): Json {
    if (req.headers.contentType && !JSON_TYPES.test(req.headers.contentType)) {
      throw scimErrors.unsupportedMediaType(`Send the body as application/scim+json (got ${req.headers.contentType}).`);
    }
    if (!req.body) throw scimErrors.invalidSyntax('The request needs a JSON body.');
    let body: unknown;
    try {
      body = JSON.parse(req.body);
    } catch {
      throw scimErrors.invalidSyntax('The body is not valid JSON.');
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw scimErrors.invalidSyntax('The body must be a JSON object (a SCIM resource or message).');
    const problem = jsonProblem(body, MAX_BODY_DEPTH);
    if (problem === 'TOO_DEEP') throw scimErrors.invalidSyntax(`The body is nested deeper than ${MAX_BODY_DEPTH} levels; no SCIM resource is.`);
    if (problem) throw scimErrors.invalidValue('Text in the body may not contain the NUL character (\\u0000) or a lone UTF-16 surrogate; remove them and try again.');
    return body as Json;
  }

  private async route(req: ScimRequest, caller: ScimCaller, outcome: ScimOutcome): Promise<ScimResponse> {
    const parts = req.path.split('/').filter(Boolean).map((part) => {
      try {
        return decodeURIComponent(part);
      } catch {
        throw scimErrors.notFound(`Nothing at ${req.path}: it is not a valid URL path (a % not followed by two hexadecimal digits, or bytes that are not UTF-8).`);
      }
    });
    if (parts.some((p) => !isStorableText(p))) throw scimErrors.notFound('Nothing at this path: it holds the NUL character or a lone UTF-16 surrogate.');
    for (const [k, v] of Object.entries(req.query)) {
      if (v !== undefined && !isStorableText(v)) throw scimErrors.invalidValue(`The query parameter "${k}" may not contain the NUL character or a lone UTF-16 surrogate.`);
    }
    // A write answers with the resource projected by these: a bad one is refused before writing.
    checkProjection(req.query.attributes, req.query.excludedAttributes);
    const [resource, id, extra] = parts;
    const method = req.method.toUpperCase();
    const base = req.baseUrl;
    if (extra !== undefined) throw scimErrors.notFound(`Nothing at ${req.path}.`);
    switch (resource) {
      case 'ServiceProviderConfig':
        return get(method, () => ok(serviceProviderConfig(base)));
      case 'ResourceTypes':
        return get(method, () => (id ? one(resourceTypes(base).find((r) => r.id === id), id) : ok(listResponse(resourceTypes(base), 1))));
      case 'Schemas':
        return get(method, () => (id ? one(schemas(base).find((s) => s.id.toLowerCase() === id.toLowerCase()), id) : ok(listResponse(schemas(base), 1))));
      case 'Users':
        return this.users(req, caller, method, id, outcome);
      case 'Groups':
        return this.groups(req, caller, method, id, outcome);
      default:
        throw scimErrors.notFound(`Nothing at ${req.path}; the resources are /Users and /Groups.`);
    }
  }

  private actor(caller: ScimCaller, req: ScimRequest): Actor {
    return { type: 'SYNC', id: caller.tokenId, label: `SCIM (${identityProvider(req.headers.userAgent)})` };
  }

  private async users(req: ScimRequest, caller: ScimCaller, method: string, id: string | undefined, outcome: ScimOutcome): Promise<ScimResponse> {
    const location = (scimId: string) => `${req.baseUrl}/Users/${encodeURIComponent(scimId)}`;
    const present = (u: StoredUser, status = 200): ScimResponse => {
      outcome.personId = u.personId;
      return {
        status,
        headers: { ETag: etag(u.version), ...(status === 201 ? { Location: location(u.scimId) } : {}) },
        body: project(userRepresentation(u, location(u.scimId), u.groups), req.query.attributes, req.query.excludedAttributes),
      };
    };

    if (id === '.search') {
      if (method !== 'POST') throw scimErrors.methodNotAllowed('Search with POST /Users/.search.');
      const body = this.parseBody(req);
      const str = (n: string) => {
        const v = prop(body, n);
        if (v === undefined || v === null) return undefined;
        if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
        if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v.join(',');
        throw scimErrors.invalidValue(`"${n}" of a search request is a string${n.endsWith('ttributes') ? ' or an array of strings' : ''} (RFC 7644 §3.4.3).`);
      };
      outcome.operation = 'read';
      return this.search(caller, req, { filter: str('filter'), startIndex: str('startIndex'), count: str('count'), sortBy: str('sortBy'), sortOrder: str('sortOrder'), attributes: str('attributes'), excludedAttributes: str('excludedAttributes') }, location);
    }
    if (!id) {
      if (method === 'GET') {
        outcome.operation = 'read';
        return this.search(caller, req, req.query, location);
      }
      if (method !== 'POST') throw scimErrors.methodNotAllowed(`${method} is not allowed on /Users; use GET or POST.`);
      const input = normaliseUser(this.parseBody(req));
      const { user, outcome: done } = await this.deps.users.write(caller, this.actor(caller, req), { scimId: this.deps.users.newId(), ...input, active: input.active ?? true, existing: null });
      outcome.operation = done;
      return present(user, 201);
    }

    // A write reads the user and what it needs of the list in one statement.
    const forWrite = method === 'GET' ? null : await this.deps.users.getForWrite(caller.listId, id);
    const existing = forWrite?.user ?? (method === 'GET' ? await this.deps.users.get(caller.listId, id) : null);
    if (!existing) throw scimErrors.notFound(`User "${id}" does not exist in this list.`);
    outcome.personId = existing.personId;
    if (method !== 'GET') checkIfMatch(req.headers.ifMatch, existing.version, 'user');
    switch (method) {
      case 'GET':
        outcome.operation = 'read';
        if (req.headers.ifNoneMatch && req.headers.ifNoneMatch.split(',').map((s) => s.trim()).includes(etag(existing.version))) return { status: 304, headers: { ETag: etag(existing.version) } };
        return present(existing);
      case 'PUT': {
        const input = normaliseUser(this.parseBody(req));
        // Okta updates users with PUT only, `active: false` included (developer.okta.com/docs/api/openapi/okta-scim/guides/scim-20, "Update a specific User (PUT)").
        const { user, outcome: done } = await this.deps.users.write(caller, this.actor(caller, req), { scimId: existing.scimId, ...input, existing: forWrite });
        outcome.operation = done;
        return present(user);
      }
      case 'PATCH': {
        const current = { ...existing.resource, userName: existing.userName, active: existing.active, ...(existing.externalId !== null ? { externalId: existing.externalId } : {}) };
        const patched = applyPatch(current, this.parseBody(req) as PatchRequest);
        const input = normaliseUser(patched);
        const { user, outcome: done } = await this.deps.users.write(caller, this.actor(caller, req), { scimId: existing.scimId, ...input, existing: forWrite });
        outcome.operation = done;
        return present(user);
      }
      case 'DELETE':
        outcome.operation = (await this.deps.users.deactivate(caller, this.actor(caller, req), existing)) ? 'deactivate' : 'update';
        return { status: 204, headers: {} };
      default:
        throw scimErrors.methodNotAllowed(`${method} is not allowed on a user; use GET, PUT, PATCH or DELETE.`);
    }
  }

  private async groups(req: ScimRequest, caller: ScimCaller, method: string, id: string | undefined, outcome: ScimOutcome): Promise<ScimResponse> {
    const em = this.deps.orm.em.fork();
    const store = this.deps.groups;
    const location = (gid: string) => `${req.baseUrl}/Groups/${gid}`;
    // Entra and Okta read groups with excludedAttributes=members: the members are then not read at all.
    const withMembers = (q: Record<string, string | undefined>) =>
      !/(^|,)\s*members\s*(,|$)/i.test(q.excludedAttributes ?? '') && (!q.attributes || /(^|,)\s*members/i.test(q.attributes));
    const represent = (g: StoredGroup, members: GroupMember[] | undefined, q: Record<string, string | undefined>) =>
      project(groupRepresentation(g, location(g.id), members, req.baseUrl), q.attributes, q.excludedAttributes);
    const present = async (g: StoredGroup, status = 200): Promise<ScimResponse> => ({
      status,
      headers: { ETag: etag(g.version), ...(status === 201 ? { Location: location(g.id) } : {}) },
      body: represent(g, withMembers(req.query) ? (await store.members(em, [g.id])).get(g.id) : undefined, req.query),
    });
    const actor = this.actor(caller, req);
    if (!id) {
      if (method === 'GET') {
        outcome.operation = 'read';
        const q = req.query;
        const { startIndex, count, descending } = paging(q);
        const { total, groups } = await store.list(em, caller.listId, { filter: q.filter ? parseFilter(q.filter) : null, startIndex, count, descending });
        const members = withMembers(q) ? await store.members(em, groups.map((g) => g.id)) : new Map<string, GroupMember[]>();
        return ok({ ...listResponse(groups.map((g) => represent(g, members.get(g.id), q)), startIndex), totalResults: total });
      }
      if (method !== 'POST') throw scimErrors.methodNotAllowed(`${method} is not allowed on /Groups; use GET or POST.`);
      const input = groupInput(this.parseBody(req));
      outcome.operation = 'create';
      return present(await store.create(em, caller, actor, { displayName: input.displayName, externalId: input.externalId, members: input.members ?? [] }), 201);
    }
    const group = await store.get(em, caller.listId, id);
    if (!group) throw scimErrors.notFound(`Group "${id}" does not exist in this list.`);
    if (method !== 'GET') checkIfMatch(req.headers.ifMatch, group.version, 'group');
    switch (method) {
      case 'GET':
        outcome.operation = 'read';
        return present(group);
      case 'PUT': {
        // Okta sends the whole group, members included, with PUT (developer.okta.com/docs/api/openapi/okta-scim/guides/scim-20, "Update a specific Group").
        const input = groupInput(this.parseBody(req));
        outcome.operation = 'update';
        return present(await store.update(em, caller, actor, group, { displayName: input.displayName, externalId: input.externalId, add: [], remove: [], replaceMembers: input.members ?? [] }));
      }
      case 'PATCH': {
        outcome.operation = 'update';
        const updated = await store.update(em, caller, actor, group, groupPatch(this.parseBody(req)));
        // RFC 7644 §3.5.2: 200 with the resource, or 204. A large group is answered 204 unless the
        // request names the attributes it wants back: adding 1,000 members to a group of 50,000
        // must not send the 50,000 back (Entra and Okta accept either answer).
        if (!req.query.attributes && !req.query.excludedAttributes && withMembers(req.query)) {
          if (await store.hasMoreMembersThan(em, updated.id, LARGE_GROUP)) return { status: 204, headers: { ETag: etag(updated.version) } };
        }
        return present(updated);
      }
      case 'DELETE':
        outcome.operation = 'update';
        await store.delete(em, caller, actor, group);
        return { status: 204, headers: {} };
      default:
        throw scimErrors.methodNotAllowed(`${method} is not allowed on a group; use GET, PUT, PATCH or DELETE.`);
    }
  }

  private async search(
    caller: ScimCaller,
    req: ScimRequest,
    q: Record<string, string | undefined>,
    location: (id: string) => string,
  ): Promise<ScimResponse> {
    const { startIndex, count, descending } = paging(q);
    const query = { filter: q.filter ? parseFilter(q.filter) : null, sortBy: q.sortBy || null, descending, startIndex, count };
    // A page of whole users is written as JSON text from the start; one projected by attributes or
    // excludedAttributes (and a lookup) is built as objects.
    const page = q.attributes || q.excludedAttributes ? null : await this.deps.users.listJson(caller.listId, query, req.baseUrl);
    if (page) {
      // The ListResponse as listResponse shapes it, its empty Resources ("[]}" at the end) filled with the users' text.
      const shape = JSON.stringify({ ...listResponse([], startIndex), totalResults: page.total, itemsPerPage: page.users.length });
      return ok(new JsonText(`${shape.slice(0, -'[]}'.length)}[${page.users.join(',')}]}`));
    }
    const { total, users } = await this.deps.users.list(caller.listId, query);
    const resources = users.map((u) => project(userRepresentation(u, location(u.scimId), u.groups), q.attributes, q.excludedAttributes));
    return ok({ ...listResponse(resources, startIndex), totalResults: total });
  }
}

/** RFC 7644 §3.14: a write with If-Match proceeds only while the resource still has that version. */
function checkIfMatch(ifMatch: string | undefined, version: string, what: string): void {
  if (!ifMatch || ifMatch.trim() === '*' || ifMatch.split(',').map((s) => s.trim()).includes(etag(version))) return;
  throw scimErrors.preconditionFailed(`The ${what} changed since you read it (its version is ${etag(version)}); read it again and retry.`);
}

/** startIndex, count and sortOrder of a list request (RFC 7644 §3.4.2.3, §3.4.2.4). */
function paging(q: Record<string, string | undefined>): { startIndex: number; count: number; descending: boolean } {
  const int = (name: string, raw: string | undefined, fallback: number) => {
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n)) throw scimErrors.invalidValue(`"${name}" must be a whole number (got "${raw}").`);
    return n;
  };
  const order = q.sortOrder?.toLowerCase();
  if (order && order !== 'ascending' && order !== 'descending') throw scimErrors.invalidValue('"sortOrder" is "ascending" or "descending".');
  // startIndex below 1 means 1 (far beyond the results, an empty page); a negative count means 0; above the maximum, the maximum.
  return { startIndex: Math.min(Number.MAX_SAFE_INTEGER, Math.max(1, int('startIndex', q.startIndex, 1))), count: Math.min(MAX_RESULTS, Math.max(0, int('count', q.count, 100))), descending: order === 'descending' };
}

/** A Group body of POST or PUT: displayName required, members as [{ value }]. */
function groupInput(body: Json): { displayName: string; externalId: string | null; members: string[] | null } {
  const displayName = prop(body, 'displayName');
  if (typeof displayName !== 'string' || !displayName.trim()) throw scimErrors.invalidValue('"displayName" is required (RFC 7643 §4.2).');
  const externalId = prop(body, 'externalId');
  const members = prop(body, 'members');
  if (members !== undefined && members !== null && !Array.isArray(members)) throw scimErrors.invalidValue('"members" is an array of { "value": user id }.');
  const ids = Array.isArray(members)
    ? members.map((m) => {
        const v = m && typeof m === 'object' ? prop(m as Json, 'value') : undefined;
        if (typeof v !== 'string' || !v) throw scimErrors.invalidValue('Each member is { "value": user id }.');
        return v;
      })
    : null;
  return { displayName: displayName.trim(), externalId: typeof externalId === 'string' ? externalId : null, members: ids ? [...new Set(ids)] : null };
}

/** A group as RFC 7643 §4.2 represents it; members only when read. */
function groupRepresentation(g: StoredGroup, location: string, members: GroupMember[] | undefined, base: string): Json {
  return {
    schemas: [GROUP_URN],
    id: g.id,
    ...(g.externalId !== null ? { externalId: g.externalId } : {}),
    displayName: g.displayName,
    ...(members ? { members: members.map((m) => ({ value: m.value, display: m.display, $ref: `${base}/Users/${m.value}`, type: 'User' })) } : {}),
    meta: { resourceType: 'Group', created: g.createdAt.toISOString(), lastModified: g.updatedAt.toISOString(), location, version: etag(g.version) },
  };
}

function listResponse(resources: unknown[], startIndex: number) {
  return { schemas: [LIST_RESPONSE_URN], totalResults: resources.length, startIndex, itemsPerPage: resources.length, Resources: resources };
}

const ok = (body: unknown): ScimResponse => ({ status: 200, headers: {}, body });

function one(found: unknown, id: string): ScimResponse {
  if (!found) throw scimErrors.notFound(`"${id}" is not one of this service's.`);
  return ok(found);
}

function get(method: string, f: () => ScimResponse): ScimResponse {
  if (method !== 'GET') throw scimErrors.methodNotAllowed(`${method} is not allowed here; use GET.`);
  return f();
}

function errorResponse(err: ScimError): ScimResponse {
  return { status: err.status, headers: err.headers, body: err.body() };
}
