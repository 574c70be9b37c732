import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { randomBytes, randomUUID } from 'node:crypto';
import { DEFAULT_USER_PROPERTIES, Directory, USER_PROPERTIES, type UserObject } from './directory.js';

/**
 * A loopback HTTPS simulator of the Microsoft identity platform token endpoint and the Microsoft
 * Graph v1.0 endpoints Rollcall reads, following Microsoft's documented behaviour: OAuth 2.0
 * client credentials with AADSTS error codes, OpenID discovery, users and groups with $select,
 * $top (max 999) and opaque @odata.nextLink paging, transitive members with the user cast,
 * $count with ConsistencyLevel: eventual, users delta (initial round in pages of 200,
 * $deltatoken=latest, updated users with every selected property that has a value or only the
 * changed ones under Prefer: return=minimal, @removed, expired tokens),
 * photos, JSON $batch, Graph error bodies, and injected 429/503/connection faults.
 */

export interface Fault {
  /** Only requests whose route (e.g. "GET /users") matches; without one, every Graph request. */
  route?: RegExp;
  /** 410: Graph's answer to a delta link whose change-tracking state was reset (a full read is needed). */
  /**
   * `reset`: the connection is dropped before any answer. `partial`: the answer's status, headers
   * and the first half of its body are sent (with the whole body's Content-Length), then the
   * connection is dropped: a reset in the middle of a page.
   */
  status: 429 | 503 | 500 | 401 | 410 | 'reset' | 'partial';
  retryAfterSeconds?: number;
  /** How many matching requests fail; then the fault is spent. */
  times: number;
  /** How many matching requests pass before the fault starts (e.g. 1: the second page fails). */
  skip?: number;
}

interface Reply {
  status: number;
  headers?: Record<string, string>;
  json?: unknown;
  text?: string;
  bytes?: Buffer;
}

interface IssuedToken {
  clientId: string;
  roles: Set<string>;
  expiresAt: number;
}

const USER_PAGE_MAX = 999;
const DELTA_PAGE = 200;
const BATCH_MAX = 20;

export interface GraphSimulatorOptions {
  key: string;
  cert: string;
  directory?: Directory;
  /** Lifetime of issued access tokens, seconds (Entra's default is about an hour). */
  tokenLifetimeSeconds?: number;
  port?: number;
}

export class GraphSimulator {
  readonly directory: Directory;
  readonly faults: Fault[] = [];
  /** Requests served, by route ("GET /users", "POST /token", ...). */
  readonly counts = new Map<string, number>();
  /** Every request's route and status, in order. */
  readonly log: Array<{ route: string; status: number | 'reset' | 'partial'; url: string }> = [];
  tokenLifetimeSeconds: number;
  /** Added before every Graph answer, like a distant or busy service. */
  latencyMs = 0;
  private readonly tokens = new Map<string, IssuedToken>();
  private server: https.Server | null = null;
  private readonly sockets = new Set<Duplex>();
  url = '';

  constructor(private readonly options: GraphSimulatorOptions) {
    this.directory = options.directory ?? new Directory();
    this.tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? 3599;
  }

  async start(): Promise<this> {
    this.server = https.createServer({ key: this.options.key, cert: this.options.cert }, (req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 5_000;
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => this.server!.listen(this.options.port ?? 0, '127.0.0.1', resolve));
    this.url = `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Requests served for routes matching `route` (exact string or pattern). */
  count(route: string | RegExp): number {
    let n = 0;
    for (const [k, v] of this.counts) if (typeof route === 'string' ? k === route : route.test(k)) n += v;
    return n;
  }

  resetCounts(): void {
    this.counts.clear();
    this.log.length = 0;
  }

  /** Makes every issued access token invalid (Graph answers 401 until a new one is fetched). */
  revokeTokens(): void {
    this.tokens.clear();
  }

  // ---- HTTP plumbing ----

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://sim.invalid');
    const body = await readBody(req);
    const route = routeName(req.method ?? 'GET', url.pathname);
    this.counts.set(route, (this.counts.get(route) ?? 0) + 1);
    const fault = route.startsWith('SIM ') ? undefined : this.takeFault(route);
    if (fault?.status === 'reset') {
      this.log.push({ route, status: 'reset', url: url.pathname + url.search });
      req.socket.destroy();
      return;
    }
    if (this.latencyMs > 0 && !route.includes('/token') && !route.includes('openid')) await new Promise((r) => setTimeout(r, this.latencyMs));
    let reply: Reply;
    try {
      reply = fault && fault.status !== 'partial' ? faultReply(fault) : await this.dispatch(req.method ?? 'GET', url, req.headers, body);
    } catch (err) {
      reply = graphError(500, 'generalException', err instanceof Error ? err.message : String(err));
    }
    this.log.push({ route, status: fault?.status === 'partial' ? 'partial' : reply.status, url: url.pathname + url.search });
    if (fault?.status === 'partial') return sendHalf(res, reply);
    send(res, reply);
  }

  private takeFault(route: string): Fault | undefined {
    // Without a route, faults hit whole Graph requests only: the identity platform has its own
    // (rarer) failures, and a part of a batch fails only when a fault names it ("BATCH GET ...").
    const graph = !/ \/(token|openid-configuration)$/.test(route) && !route.startsWith('BATCH ');
    const f = this.faults.find((x) => x.times > 0 && (x.route ? x.route.test(route) : graph));
    if (!f) return undefined;
    if (f.skip) {
      f.skip -= 1;
      return undefined;
    }
    f.times -= 1;
    if (f.times === 0) this.faults.splice(this.faults.indexOf(f), 1);
    return f;
  }

  private async dispatch(method: string, url: URL, headers: IncomingMessage['headers'], body: Buffer): Promise<Reply> {
    const path = url.pathname;
    const identity = /^\/([^/]+)\/(v2\.0\/\.well-known\/openid-configuration|oauth2\/v2\.0\/token)$/.exec(path);
    if (identity) return identity[2] === 'oauth2/v2.0/token' ? this.token(identity[1]!, method, body) : this.discovery(identity[1]!);
    if (path.startsWith('/_sim/')) return this.control(method, path, body);
    if (path.startsWith('/v1.0/')) {
      const auth = this.authenticate(headers.authorization);
      if ('status' in auth) return auth;
      return this.graph(method, path.slice('/v1.0'.length), url.searchParams, headers, body, auth);
    }
    return graphError(404, 'NotFound', `No route for ${method} ${path}`);
  }

  // ---- control API (tests and the demo change the tenant between syncs) ----

  private control(method: string, path: string, body: Buffer): Reply {
    const input = body.length ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {};
    const d = this.directory;
    if (method === 'GET' && path === '/_sim/stats') {
      return { status: 200, json: { users: d.userCount, groups: d.groupList().length, photos: d.photos.size, requests: Object.fromEntries(this.counts) } };
    }
    if (method === 'POST' && path === '/_sim/seed') {
      const ids = d.seedUsers(Math.min(Number(input.count ?? 10), 1_000_000));
      return { status: 200, json: { created: ids.length, users: d.userCount } };
    }
    if (method === 'POST' && path === '/_sim/mutate') {
      return { status: 200, json: mutate(d, Number(input.changes ?? 10)) };
    }
    if (method === 'POST' && path === '/_sim/faults') {
      this.faults.push({ status: (input.status as Fault['status']) ?? 429, times: Number(input.times ?? 3), retryAfterSeconds: Number(input.retryAfterSeconds ?? 1) });
      return { status: 200, json: { faults: this.faults.length } };
    }
    if (method === 'POST' && path === '/_sim/expire-delta') {
      d.expireDeltaTokens();
      return { status: 200, json: { ok: true } };
    }
    return graphError(404, 'NotFound', 'Control routes: GET /_sim/stats, POST /_sim/seed {count}, /_sim/mutate {changes}, /_sim/faults {status,times,retryAfterSeconds}, /_sim/expire-delta.');
  }

  // ---- identity platform ----

  private tenantMatches(tenant: string): boolean {
    const d = this.directory;
    return tenant.toLowerCase() === d.tenantId.toLowerCase() || tenant.toLowerCase() === d.domain.toLowerCase();
  }

  private discovery(tenant: string): Reply {
    if (!this.tenantMatches(tenant)) return tenantNotFound(tenant);
    const base = `${this.url}/${tenant}`;
    return {
      status: 200,
      json: {
        token_endpoint: `${base}/oauth2/v2.0/token`,
        token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
        jwks_uri: `${this.url}/${tenant}/discovery/v2.0/keys`,
        response_modes_supported: ['query', 'fragment', 'form_post'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        issuer: `${this.url}/${this.directory.tenantId}/v2.0`,
        request_uri_parameter_supported: false,
        userinfo_endpoint: `${this.url}/oidc/userinfo`,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
        http_logout_supported: true,
        frontchannel_logout_supported: true,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'tid'],
        kerberos_endpoint: `${base}/kerberos`,
        tenant_region_scope: 'EU',
        cloud_instance_name: 'microsoftonline.com',
        cloud_graph_host_name: 'graph.windows.net',
        msgraph_host: 'graph.microsoft.com',
        rbac_url: 'https://pas.windows.net',
      },
    };
  }

  private token(tenant: string, method: string, body: Buffer): Reply {
    if (method !== 'POST') return aadError(405, 'invalid_request', 900561, 'The endpoint only accepts POST requests.');
    if (!this.tenantMatches(tenant)) return tenantNotFound(tenant);
    const form = new URLSearchParams(body.toString('utf8'));
    if (form.get('grant_type') !== 'client_credentials') return aadError(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
    const clientId = form.get('client_id') ?? '';
    const app = this.directory.apps.get(clientId);
    if (!app) {
      return aadError(400, 'unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory '${this.directory.domain}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`);
    }
    const scope = form.get('scope') ?? '';
    if (!/\/\.default$/.test(scope)) return aadError(400, 'invalid_scope', 1002012, `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`);
    if (form.get('client_secret') !== app.secret) {
      return aadError(401, 'invalid_client', 7000215, "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '" + clientId + "'.");
    }
    const token = `sim.${randomBytes(24).toString('base64url')}`;
    this.tokens.set(token, { clientId, roles: new Set(app.roles), expiresAt: Date.now() + this.tokenLifetimeSeconds * 1000 });
    return { status: 200, json: { token_type: 'Bearer', expires_in: this.tokenLifetimeSeconds, ext_expires_in: this.tokenLifetimeSeconds, access_token: token } };
  }

  private authenticate(header: string | undefined): IssuedToken | Reply {
    const token = header?.startsWith('Bearer ') ? header.slice(7) : null;
    if (!token) return graphError(401, 'InvalidAuthenticationToken', 'Access token is empty.');
    const issued = this.tokens.get(token);
    if (!issued || issued.expiresAt < Date.now()) return graphError(401, 'InvalidAuthenticationToken', 'Access token has expired or is not yet valid.');
    return issued;
  }

  // ---- Graph ----

  private async graph(method: string, path: string, q: URLSearchParams, headers: IncomingMessage['headers'], body: Buffer, who: IssuedToken): Promise<Reply> {
    const eventual = String(headers['consistencylevel'] ?? '').toLowerCase() === 'eventual';
    if (method === 'POST' && path === '/$batch') return this.batch(body, headers, who);
    if (method === 'POST' && path === '/directoryObjects/getAvailableExtensionProperties') {
      if (!hasAny(who, ['Directory.Read.All', 'Directory.ReadWrite.All'])) return denied();
      return { status: 200, json: { '@odata.context': `${this.url}/v1.0/$metadata#Collection(microsoft.graph.extensionProperty)`, value: this.directory.extensionProperties.map((e) => ({ id: randomUUID(), deletedDateTime: null, appDisplayName: e.appDisplayName, dataType: e.dataType, isMultiValued: false, isSyncedFromOnPremises: false, name: e.name, targetObjects: ['User'] })) } };
    }
    if (method !== 'GET') return graphError(405, 'Request_BadRequest', `Method ${method} is not supported by the simulator for ${path}.`);
    const usersRead = ['User.Read.All', 'Directory.Read.All', 'User.ReadBasic.All'];
    const groupsRead = ['GroupMember.Read.All', 'Group.Read.All', 'Directory.Read.All'];

    if (path === '/users' || path === '/users/$count' || path === '/users/delta' || path === '/users/microsoft.graph.delta') {
      if (!hasAny(who, usersRead)) return denied();
      if (path === '/users/$count') return countReply(eventual, this.directory.userCount);
      if (path === '/users') return this.userPage(this.directory.userIds(), q, eventual, '/users');
      return this.usersDelta(q, /return=minimal/i.test(String(headers['prefer'] ?? '')));
    }
    let m = /^\/users\/([^/]+)(\/photo(\/\$value)?)?$/.exec(path);
    if (m) {
      if (!hasAny(who, usersRead)) return denied();
      const user = this.directory.user(decodeURIComponent(m[1]!));
      if (!user) return graphError(404, 'Request_ResourceNotFound', `Resource '${m[1]}' does not exist or one of its queried reference-property objects are not present.`);
      if (!m[2]) {
        const sel = selection(q);
        if ('status' in sel) return sel;
        return { status: 200, json: { '@odata.context': `${this.url}/v1.0/$metadata#users/$entity`, ...project(user, sel) } };
      }
      const photo = this.directory.photos.get(user.id);
      if (!photo) return graphError(404, 'ImageNotFound', "Exception of type 'Microsoft.Fast.Profile.Core.Exception.ImageNotFoundException' was thrown.");
      if (m[3]) return { status: 200, headers: { 'content-type': photo.contentType, etag: photo.etag }, bytes: photo.bytes };
      return { status: 200, json: { '@odata.context': `${this.url}/v1.0/$metadata#users('${user.id}')/photo/$entity`, '@odata.mediaContentType': photo.contentType, '@odata.mediaEtag': photo.etag, id: '240X240', height: 240, width: 240 } };
    }
    if (path === '/groups' || path === '/groups/$count') {
      if (!hasAny(who, groupsRead)) return denied();
      let groups = this.directory.groupList();
      const search = q.get('$search');
      if (search !== null) {
        if (!eventual) return graphError(400, 'Request_UnsupportedQuery', 'Request with $search query parameter only works through MSGraph with a special request header: \'ConsistencyLevel: eventual\'');
        const sm = /^"displayName:(.*)"$/.exec(search);
        if (!sm) return graphError(400, 'Request_UnsupportedQuery', 'Unsupported or invalid query filter clause specified for property \'displayName\' of resource \'Group\'.');
        const words = sm[1]!.toLowerCase().split(/\s+/).filter(Boolean);
        groups = groups.filter((g) => words.every((w) => g.displayName.toLowerCase().split(/[^a-z0-9]+/).some((t) => t.startsWith(w))));
      }
      if (path === '/groups/$count') return countReply(eventual, groups.length);
      const top = Math.min(Number(q.get('$top') ?? 100), USER_PAGE_MAX);
      groups.sort((a, b) => a.displayName.localeCompare(b.displayName));
      return { status: 200, json: { '@odata.context': `${this.url}/v1.0/$metadata#groups`, value: groups.slice(0, top).map((g) => ({ id: g.id, displayName: g.displayName, description: g.description })) } };
    }
    m = /^\/groups\/([^/]+)(?:\/(members|transitiveMembers)(\/microsoft\.graph\.user)?(\/\$count)?)?$/.exec(path);
    if (m) {
      if (!hasAny(who, groupsRead)) return denied();
      const group = this.directory.group(decodeURIComponent(m[1]!));
      if (!group) return graphError(404, 'Request_ResourceNotFound', `Resource '${m[1]}' does not exist or one of its queried reference-property objects are not present.`);
      if (!m[2]) return { status: 200, json: { id: group.id, displayName: group.displayName, description: group.description } };
      if (!hasAny(who, usersRead) && m[3]) return denied();
      const ids = m[2] === 'members' ? [...group.members].filter((id) => this.directory.user(id)) : this.directory.transitiveUserIds(group.id);
      if (m[4]) return countReply(eventual, ids.length);
      return this.userPage(ids, q, eventual, path);
    }
    return graphError(400, 'BadRequest', `Resource not found for the segment '${path.split('/').filter(Boolean).pop()}'.`);
  }

  private userPage(ids: string[], q: URLSearchParams, eventual: boolean, path: string): Reply {
    const sel = selection(q);
    if ('status' in sel) return sel;
    const topRaw = q.get('$top');
    const top = topRaw === null ? 100 : Number(topRaw);
    if (!Number.isInteger(top) || top < 1 || top > USER_PAGE_MAX) return graphError(400, 'Request_BadRequest', `Invalid page size specified: '${topRaw}'. Must be between 1 and 999 inclusive.`);
    const skip = q.get('$skiptoken');
    let offset = 0;
    if (skip) {
      const parsed = decodeToken<{ o: number }>(skip);
      if (!parsed) return graphError(400, 'Directory_ExpiredPageToken', 'The specified page token value has expired and can no longer be included in your request.');
      offset = parsed.o;
    }
    const value = ids.slice(offset, offset + top).map((id) => project(this.directory.user(id)!, sel));
    const out: Record<string, unknown> = { '@odata.context': `${this.url}/v1.0/$metadata#users(${sel.join(',')})`, value };
    if (q.get('$count') === 'true') {
      if (!eventual) return graphError(400, 'Request_BadRequest', '$count is not currently supported.');
      out['@odata.count'] = ids.length;
    }
    if (offset + top < ids.length) {
      const next = new URLSearchParams(q);
      next.set('$skiptoken', encodeToken({ o: offset + top }));
      out['@odata.nextLink'] = `${this.url}/v1.0${path}?${next.toString()}`;
    }
    return { status: 200, json: out };
  }

  private usersDelta(q: URLSearchParams, minimal: boolean): Reply {
    const d = this.directory;
    const deltaToken = q.get('$deltatoken');
    const skipToken = q.get('$skiptoken');
    let state: { since: number; upto: number; o: number; sel: string[] };
    if (skipToken || (deltaToken && deltaToken !== 'latest')) {
      const parsed = decodeToken<{ since: number; upto: number; o: number; sel: string[] }>((skipToken ?? deltaToken)!);
      if (!parsed || parsed.since < d.oldestValidVersion) {
        return graphError(400, 'syncStateNotFound', 'The sync state generation is not found. The delta token is expired and data must be synchronized again.');
      }
      state = deltaToken ? { since: parsed.upto, upto: d.version, o: 0, sel: parsed.sel } : parsed;
    } else {
      const sel = selection(q);
      if ('status' in sel) return sel;
      if (deltaToken === 'latest') {
        return { status: 200, json: { '@odata.context': `${this.url}/v1.0/$metadata#users(${sel.join(',')})`, value: [], '@odata.deltaLink': `${this.url}/v1.0/users/delta?$deltatoken=${encodeToken({ since: d.version, upto: d.version, o: 0, sel })}` } };
      }
      // The initial round: every current user, in full, ~200 per page.
      state = { since: 0, upto: d.version, o: 0, sel };
    }
    const changes = d.usersChangedSince(state.since, state.upto);
    const page = changes.slice(state.o, state.o + DELTA_PAGE).map((c) => {
      if ('removedId' in c) return { id: c.removedId, '@removed': { reason: c.reason } };
      if (c.created) return project(c.user, state.sel);
      // By default an updated user comes with every selected property that has a value, changed
      // or not (and a changed one even when it became null); with Prefer: return=minimal, only
      // the changed ones.
      const keys = state.sel.filter((k) => k === 'id' || c.changed.has(k) || (!minimal && c.user[k] !== undefined && c.user[k] !== null));
      return project(c.user, keys);
    });
    const out: Record<string, unknown> = { '@odata.context': `${this.url}/v1.0/$metadata#users(${state.sel.join(',')})`, value: page };
    if (state.o + DELTA_PAGE < changes.length) {
      out['@odata.nextLink'] = `${this.url}/v1.0/users/delta?$skiptoken=${encodeToken({ ...state, o: state.o + DELTA_PAGE })}`;
    } else {
      out['@odata.deltaLink'] = `${this.url}/v1.0/users/delta?$deltatoken=${encodeToken({ since: state.since, upto: state.upto, o: 0, sel: state.sel })}`;
    }
    return { status: 200, json: out };
  }

  private async batch(body: Buffer, headers: IncomingMessage['headers'], who: IssuedToken): Promise<Reply> {
    let parsed: { requests?: Array<{ id: string; method: string; url: string; headers?: Record<string, string> }> };
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      return graphError(400, 'BadRequest', 'Invalid batch payload format.');
    }
    const requests = parsed.requests ?? [];
    if (requests.length > BATCH_MAX) return graphError(400, 'BadRequest', `Number of requests in the batch exceeds the limit of ${BATCH_MAX}.`);
    const responses = [];
    for (const r of requests) {
      const u = new URL(r.url.startsWith('/') ? `/v1.0${r.url}` : `/v1.0/${r.url}`, 'https://sim.invalid');
      const route = routeName(r.method, u.pathname);
      this.counts.set(`BATCH ${route}`, (this.counts.get(`BATCH ${route}`) ?? 0) + 1);
      const fault = this.takeFault(`BATCH ${route}`);
      if (fault && fault.status !== 'reset') {
        const f = faultReply(fault);
        responses.push({ id: r.id, status: f.status, headers: { 'content-type': 'application/json', ...f.headers }, body: f.json });
        continue;
      }
      const inner = await this.graph(r.method.toUpperCase(), u.pathname.slice(5), u.searchParams, { ...headers, ...lower(r.headers ?? {}) }, Buffer.alloc(0), who);
      responses.push({
        id: r.id,
        status: inner.status,
        headers: inner.headers ?? { 'content-type': 'application/json' },
        body: inner.bytes ? inner.bytes.toString('base64') : (inner.json ?? inner.text),
      });
    }
    return { status: 200, json: { responses } };
  }
}

// ---- helpers ----

const DEPARTMENTS = ['Engineering', 'Sales', 'Finance', 'Operations', 'People', 'Legal', 'Support', 'Research'];

/** A mix of what happens in a directory between syncs: joiners, movers, leavers, disabled accounts. */
export function mutate(d: Directory, changes: number): { created: number; updated: number; disabled: number; deleted: number } {
  const out = { created: 0, updated: 0, disabled: 0, deleted: 0 };
  const ids = d.userIds();
  for (let i = 0; i < changes; i++) {
    const pick = ids[Math.floor(Math.random() * ids.length)];
    const roll = i % 10;
    if (roll < 2 || !pick) {
      d.seedUsers(1);
      out.created += 1;
    } else if (roll < 8) {
      d.updateUser(pick, { department: DEPARTMENTS[Math.floor(Math.random() * DEPARTMENTS.length)], jobTitle: `Changed ${new Date().toISOString().slice(11, 19)}` });
      out.updated += 1;
    } else if (roll === 8) {
      d.updateUser(pick, { accountEnabled: false });
      out.disabled += 1;
    } else if (d.user(pick)) {
      d.deleteUser(pick);
      out.deleted += 1;
    }
  }
  return out;
}

function hasAny(who: IssuedToken, roles: readonly string[]): boolean {
  return roles.some((r) => who.roles.has(r));
}

function selection(q: URLSearchParams): string[] | Reply {
  const raw = q.get('$select');
  if (!raw) return DEFAULT_USER_PROPERTIES;
  const keys = raw.split(',').map((s) => s.trim()).filter(Boolean);
  for (const k of keys) {
    if (!USER_PROPERTIES.has(k) && !/^extension_[0-9a-f]{32}_\w+$/.test(k)) {
      return graphError(400, 'Request_BadRequest', `Could not find a property named '${k}' on type 'microsoft.graph.user'.`);
    }
  }
  return keys.includes('id') ? keys : ['id', ...keys];
}

function project(user: UserObject, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    if (k in user) out[k] = user[k];
    // Selected extension attributes without a value are omitted; standard properties are null.
    else if (!k.startsWith('extension_')) out[k] = null;
  }
  return out;
}

function countReply(eventual: boolean, n: number): Reply {
  if (!eventual) return graphError(400, 'Request_BadRequest', '$count is not currently supported.');
  return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, text: String(n) };
}

function routeName(method: string, pathname: string): string {
  if (/^\/[^/]+\/oauth2\/v2\.0\/token$/.test(pathname)) return `${method} /token`;
  if (/openid-configuration$/.test(pathname)) return `${method} /openid-configuration`;
  const p = pathname
    .replace(/^\/v1\.0/, '')
    .replace(/\/(users|groups)\/(?!delta|\$count|microsoft\.graph)[^/]+/g, '/$1/{id}');
  return `${method} ${p}`;
}

function encodeToken(v: unknown): string {
  return Buffer.from(JSON.stringify(v)).toString('base64url');
}

function decodeToken<T>(s: string): T | null {
  try {
    return JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as T;
  } catch {
    return null;
  }
}

function graphError(status: number, code: string, message: string): Reply {
  return {
    status,
    json: { error: { code, message, innerError: { date: new Date().toISOString().slice(0, 19), 'request-id': randomUUID(), 'client-request-id': randomUUID() } } },
  };
}

function denied(): Reply {
  return graphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
}

function aadError(status: number, error: string, code: number, description: string): Reply {
  const trace = randomUUID();
  const correlation = randomUUID();
  const timestamp = new Date().toISOString().replace('T', ' ').slice(0, 19) + 'Z';
  return {
    status,
    json: {
      error,
      error_description: `AADSTS${code}: ${description} Trace ID: ${trace} Correlation ID: ${correlation} Timestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: trace,
      correlation_id: correlation,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
  };
}

function tenantNotFound(tenant: string): Reply {
  return aadError(400, 'invalid_tenant', 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`);
}

function faultReply(f: Fault): Reply {
  const headers: Record<string, string> = {};
  if (f.retryAfterSeconds !== undefined) headers['retry-after'] = String(f.retryAfterSeconds);
  if (f.status === 429) return { ...graphError(429, 'TooManyRequests', 'Too many requests; please try again later.'), headers };
  if (f.status === 401) return graphError(401, 'InvalidAuthenticationToken', 'Access token has expired or is not yet valid.');
  if (f.status === 503) return { ...graphError(503, 'ServiceUnavailable', 'The service is temporarily unavailable.'), headers };
  if (f.status === 410) return graphError(410, 'Gone', 'The resource is no longer available; restart with a full synchronization.');
  return graphError(500, 'generalException', 'An unexpected error occurred.');
}

function encodeReply(reply: Reply): { headers: Record<string, string>; payload: Buffer } {
  const headers: Record<string, string> = { 'request-id': randomUUID(), ...reply.headers };
  let payload: Buffer | string = '';
  if (reply.bytes) payload = reply.bytes;
  else if (reply.text !== undefined) payload = reply.text;
  else if (reply.json !== undefined) {
    headers['content-type'] ??= 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';
    payload = JSON.stringify(reply.json);
  }
  return { headers, payload: Buffer.from(payload) };
}

function send(res: ServerResponse, reply: Reply): void {
  const { headers, payload } = encodeReply(reply);
  res.writeHead(reply.status, headers);
  res.end(payload);
}

/** The status, headers and half the body, then the connection dropped (the client saw a page start). */
function sendHalf(res: ServerResponse, reply: Reply): void {
  const { headers, payload } = encodeReply(reply);
  res.writeHead(reply.status, { ...headers, 'content-length': String(payload.length) });
  res.write(payload.subarray(0, Math.floor(payload.length / 2)), () => setTimeout(() => res.socket?.destroy(), 20));
}

function lower(h: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
