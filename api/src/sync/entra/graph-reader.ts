import { createHash } from 'node:crypto';
import { ClientSecretCredential, AuthenticationError } from '@azure/identity';
import { Client, HTTPMessageHandler, AuthenticationHandler, GraphError, type ResponseType } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js';
import type { Logger } from '../../shared/logger.js';
import { endpointsFor, type EntraCloud } from './clouds.js';

/** Why a Graph or token call failed, in terms an administrator can act on. */
export type EntraProblem = 'TENANT' | 'CLIENT_ID' | 'SECRET' | 'PERMISSION' | 'NETWORK' | 'THROTTLED' | 'DELTA_EXPIRED' | 'OTHER';

export class EntraError extends Error {
  constructor(
    readonly problem: EntraProblem,
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
    this.name = 'EntraError';
  }
}

export interface EntraEndpointOverrides {
  graphBaseUrl?: string | undefined;
  authorityHost?: string | undefined;
}

export interface ReaderOptions {
  /** The connection's id: the key under which `credentials` keeps its credential. */
  connectionId?: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  cloud: EntraCloud;
  overrides: EntraEndpointOverrides;
  logger: Logger;
  /** Attempts per request for throttling (429/503) and transient network errors. */
  maxAttempts?: number;
  /** Upper bound on one wait, whatever Retry-After says. */
  maxWaitMs?: number;
  /** Counts requests made (tests, benchmarks, run statistics). */
  onRequest?: (url: string) => void;
  /**
   * Shares the credential, and so its cached token, with later readers of the same connection:
   * a run then starts reading at once instead of fetching the authority's metadata and a token.
   * Absent for a connection test, which must prove the credentials work now.
   */
  credentials?: CredentialShelf;
}

/**
 * Credentials kept per connection for reuse across readers, each under a fingerprint of what it
 * was made from (tenant, client, secret, endpoints): changed credentials never reuse the old one.
 */
export class CredentialShelf {
  private readonly held = new Map<string, { fingerprint: string; credential: ClientSecretCredential }>();

  take(connectionId: string, fingerprint: string, make: () => ClientSecretCredential): ClientSecretCredential {
    const kept = this.held.get(connectionId);
    if (kept?.fingerprint === fingerprint) return kept.credential;
    const credential = make();
    this.held.set(connectionId, { fingerprint, credential });
    return credential;
  }

  /** Forgets a connection's credential (Graph refused its token, or the connection is gone). */
  drop(connectionId: string): void {
    this.held.delete(connectionId);
  }
}

export interface GraphPage<T> {
  value: T[];
  nextLink: string | null;
  deltaLink: string | null;
}

const TRANSIENT_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT']);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Reads Microsoft Graph for one connection with the official SDKs: an app-only token from
 * `ClientSecretCredential` (renewed by the credential as it nears expiry, or at once when Graph
 * refuses it) and requests through `@microsoft/microsoft-graph-client`. Endpoints come from the
 * connection's cloud, or from ROLLCALL_GRAPH_BASE_URL / ROLLCALL_ENTRA_AUTHORITY_HOST: MSAL accepts
 * a non-Microsoft authority only with instance discovery off, and the Graph client attaches the
 * token to a non-Microsoft host only when it is listed in `customHosts`.
 *
 * Every request retries, with bounds: 429 and 503 after Retry-After (or a growing back-off),
 * transient network errors after a pause, and 401 once with a fresh credential. Anything else is
 * an EntraError naming what the administrator should fix.
 */
export class GraphReader {
  private client: Client;
  private credential: ClientSecretCredential;
  private readonly graphRoot: string;
  private readonly scope: string;
  requests = 0;

  constructor(private readonly o: ReaderOptions) {
    const endpoints = endpointsFor(o.cloud, o.overrides);
    // The token's audience is the cloud's Graph resource, even when requests go through a proxy.
    this.scope = `${endpointsFor(o.cloud).graphBaseUrl}/.default`;
    this.graphRoot = `${endpoints.graphBaseUrl.replace(/\/+$/, '')}/v1.0`;
    this.credential = this.newCredential();
    this.client = this.newClient();
  }

  private newCredential(): ClientSecretCredential {
    const { authorityHost } = endpointsFor(this.o.cloud, this.o.overrides);
    const make = () => new ClientSecretCredential(this.o.tenantId, this.o.clientId, this.o.clientSecret, {
      authorityHost,
      // Required for authorities MSAL does not know (simulator, proxies); harmless for Microsoft's.
      disableInstanceDiscovery: true,
      // Rollcall retries itself and reports which part of the credentials is wrong.
      retryOptions: { maxRetries: 1 },
    });
    const { credentials, connectionId } = this.o;
    if (!credentials || !connectionId) return make();
    const fingerprint = createHash('sha256').update(JSON.stringify([this.o.tenantId, this.o.clientId, this.o.clientSecret, this.o.cloud, authorityHost])).digest('hex');
    return credentials.take(connectionId, fingerprint, make);
  }

  private newClient(): Client {
    const { graphBaseUrl } = endpointsFor(this.o.cloud, this.o.overrides);
    const auth = new AuthenticationHandler(new TokenCredentialAuthenticationProvider(this.credential, { scopes: [this.scope] }));
    auth.setNext(new HTTPMessageHandler());
    return Client.initWithMiddleware({
      middleware: auth,
      baseUrl: `${graphBaseUrl.replace(/\/+$/, '')}/`,
      defaultVersion: 'v1.0',
      customHosts: new Set([new URL(graphBaseUrl).hostname]),
    });
  }

  /** Acquires a token now: the first thing a connection test checks. */
  async token(): Promise<void> {
    try {
      await this.credential.getToken(this.scope);
    } catch (err) {
      throw classifyTokenError(err);
    }
  }

  /** GET of a path (e.g. `/users`) or a full next/delta link, with retries. */
  async get<T>(pathOrUrl: string, opts: { query?: Record<string, string>; headers?: Record<string, string>; responseType?: ResponseType } = {}): Promise<T> {
    const url = pathOrUrl.startsWith('https://') ? pathOrUrl : `${this.graphRoot}${pathOrUrl}${opts.query ? `?${new URLSearchParams(opts.query).toString()}` : ''}`;
    return this.withRetries(url, async () => {
      let req = this.client.api(url);
      if (opts.headers) req = req.headers(opts.headers);
      if (opts.responseType) req = req.responseType(opts.responseType);
      return (await req.get()) as T;
    });
  }

  async post<T>(path: string, body: unknown): Promise<T> {
    const url = `${this.graphRoot}${path}`;
    return this.withRetries(url, async () => (await this.client.api(url).post(body)) as T);
  }

  /** One page of a collection, with its continuation links. */
  async page<T>(pathOrUrl: string, query?: Record<string, string>, headers?: Record<string, string>): Promise<GraphPage<T>> {
    const body = await this.get<{ value?: T[]; '@odata.nextLink'?: string; '@odata.deltaLink'?: string }>(pathOrUrl, { ...(query ? { query } : {}), ...(headers ? { headers } : {}) });
    return { value: body.value ?? [], nextLink: body['@odata.nextLink'] ?? null, deltaLink: body['@odata.deltaLink'] ?? null };
  }

  /** A `$count` (ConsistencyLevel: eventual, as Graph requires for counting directory objects). */
  async count(path: string): Promise<number> {
    // The answer is text/plain; the client reads it by its content type (asking for text would
    // also read error bodies as text and lose their Retry-After).
    const body = await this.get<string | number>(path, { headers: { ConsistencyLevel: 'eventual' } });
    return Number(body);
  }

  private async withRetries<T>(url: string, call: () => Promise<T>): Promise<T> {
    const maxAttempts = this.o.maxAttempts ?? 6;
    const maxWait = this.o.maxWaitMs ?? 60_000;
    let renewed = false;
    for (let attempt = 1; ; attempt++) {
      this.requests += 1;
      this.o.onRequest?.(url);
      try {
        return await call();
      } catch (err) {
        const cause = err;
        if (cause instanceof AuthenticationError || isCredentialError(cause)) {
          // MSAL remembers a failing token endpoint (5xx, 429) and refuses without asking again for a
          // minute: the next run starts from a new credential rather than inherit that refusal.
          if (this.o.connectionId) this.o.credentials?.drop(this.o.connectionId);
          throw classifyTokenError(cause);
        }
        const status = cause instanceof GraphError ? cause.statusCode : null;
        const code = cause instanceof GraphError ? cause.code : null;
        if (status === 401 && !renewed) {
          // Graph refused the token (expired or revoked early): start over with a new credential.
          renewed = true;
          if (this.o.connectionId) this.o.credentials?.drop(this.o.connectionId);
          this.credential = this.newCredential();
          this.client = this.newClient();
          attempt -= 1;
          continue;
        }
        const transient = status === 429 || status === 503 || status === 504 || (answeredNothing(status) ? isNetworkError(cause) : false);
        if (transient && attempt < maxAttempts) {
          const retryAfter = cause instanceof GraphError ? retryAfterMs(cause) : null;
          const wait = Math.min(retryAfter ?? 500 * 2 ** (attempt - 1), maxWait);
          this.o.logger.warn({ url: redact(url), status, attempt, waitMs: wait }, 'Microsoft Graph asked Rollcall to slow down or failed transiently; retrying');
          await sleep(wait);
          continue;
        }
        throw classifyGraphError(cause, status, code, transient);
      }
    }
  }
}

/** A token failure, thrown by the credential or by the Graph client's auth step (GraphError -1 named after it). */
function isCredentialError(err: unknown): boolean {
  const name = err instanceof GraphError && err.statusCode === -1 ? err.code : err instanceof Error ? err.name : null;
  return name === 'AuthenticationError' || name === 'CredentialUnavailableError' || name === 'AuthenticationRequiredError';
}

/**
 * No usable answer: no status (the request failed), or a success whose body broke off (the
 * connection was reset in the middle of a page; the Graph client reports the status it had).
 */
function answeredNothing(status: number | null): boolean {
  return status === null || status === -1 || (status >= 200 && status < 300);
}

function isNetworkError(err: unknown): boolean {
  // The Graph client turns a failed fetch into GraphError(-1) named after the original error, and a
  // body cut off after the headers into GraphError(<status>, "TypeError": terminated).
  if (err instanceof GraphError && answeredNothing(err.statusCode)) return err.code === 'TypeError' || /fetch failed|terminated|socket|ECONN/i.test(`${err.message} ${String(err.body)}`);
  let e: unknown = err;
  for (let depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: string }).code;
    if (code && TRANSIENT_CODES.has(code)) return true;
    if (e instanceof TypeError && /fetch failed|terminated|socket/i.test(e.message)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

function retryAfterMs(err: GraphError): number | null {
  const raw = err.headers?.get('retry-after');
  if (!raw) return null;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(raw);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : null;
}

function redact(url: string): string {
  return url.replace(/(\$(?:delta|skip)token=)[^&]+/gi, '$1…');
}

const PERMISSION_HINT = 'Grant the app registration the Microsoft Graph application permissions User.Read.All and GroupMember.Read.All, then select "Grant admin consent" in Entra ID > App registrations > API permissions.';

/** Maps a token failure (AADSTS codes) onto the credential an administrator must fix. */
export function classifyTokenError(err: unknown): EntraError {
  const text = errorText(err);
  const code = /AADSTS(\d+)/.exec(text)?.[1];
  switch (code) {
    case '90002':
    case '900023':
    case '90013':
      return new EntraError('TENANT', 'The tenant ID was not found in this cloud. Copy the Directory (tenant) ID from the app registration\'s Overview page, and check the national cloud.');
    case '700016':
    case '900144':
      return new EntraError('CLIENT_ID', 'The client ID is not an application in this tenant. Copy the Application (client) ID from the app registration\'s Overview page.');
    case '7000215':
      return new EntraError('SECRET', 'The client secret is wrong. Create a new secret under Certificates & secrets and paste its Value (not its Secret ID).');
    case '7000222':
      return new EntraError('SECRET', 'The client secret has expired. Create a new secret under Certificates & secrets and save it on this connection.');
    case undefined:
      break;
    default:
      return new EntraError('OTHER', `Microsoft Entra ID refused to issue a token: ${firstLine(text)}`);
  }
  if (isNetworkError(err) || /ENOTFOUND|ECONNREFUSED|certificate|self.signed|getaddrinfo|network/i.test(text)) {
    return new EntraError('NETWORK', `Rollcall could not reach the Microsoft identity platform: ${firstLine(text)}`);
  }
  if (/endpoints_resolution_error|openid|discovery/i.test(text)) {
    // MSAL answers an unreachable identity platform the same way (no cause): say both.
    return new EntraError('TENANT', 'The tenant ID was not found in this cloud, or the Microsoft identity platform could not be reached. Copy the Directory (tenant) ID from the app registration\'s Overview page, and check the national cloud.');
  }
  const detail = firstLine(text.replace(/^[\s|]+/, ''));
  // No AADSTS code and nothing about the credentials: the identity platform failed (5xx, a dropped
  // connection, MSAL's throttling after one), a passing reason rather than a credential to fix.
  if (!/AADSTS|invalid_client|unauthorized_client/i.test(text)) {
    return new EntraError('NETWORK', `The Microsoft identity platform did not issue a token${detail ? ` (${detail})` : ''}; it failed or could not be reached. The run will try again later.`);
  }
  return new EntraError('OTHER', `Microsoft Entra ID refused to issue a token: ${detail}`);
}

function classifyGraphError(err: unknown, status: number | null, code: string | null, transient: boolean): EntraError {
  const message = err instanceof Error ? err.message : String(err);
  if (status === 403) return new EntraError('PERMISSION', `Microsoft Graph denied access (${code ?? 'Forbidden'}). ${PERMISSION_HINT}`, 403);
  // Graph answers an expired delta link with 400 syncStateNotFound (identity resources) and says
  // any 410 Gone means "start again with a full synchronization", whatever its code.
  if (status === 410 || (status === 400 && code && /syncState|resyncRequired/i.test(code))) return new EntraError('DELTA_EXPIRED', message, status);
  if (status === 429 || status === 503) return new EntraError('THROTTLED', `Microsoft Graph kept answering ${status} after ${transient ? 'every retry' : 'a retry'}; the run will try again later.`, status);
  if (answeredNothing(status) && isNetworkError(err)) {
    return new EntraError('NETWORK', status !== null && status > 0 ? `The connection to Microsoft Graph broke off in the middle of an answer (${message}); the run will try again later.` : `Rollcall could not reach Microsoft Graph: ${message}`);
  }
  return new EntraError('OTHER', `Microsoft Graph answered ${status ?? 'with an error'}${code ? ` (${code})` : ''}: ${message}`, status);
}

function errorText(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let depth = 0; e && depth < 5; depth++) {
    if (e instanceof Error) parts.push(e.message);
    if (e instanceof GraphError && typeof e.body === 'string') parts.push(e.body);
    const resp = (e as { errorResponse?: { errorDescription?: string } }).errorResponse;
    if (resp?.errorDescription) parts.push(resp.errorDescription);
    e = (e as { cause?: unknown }).cause;
  }
  return parts.join(' | ');
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.replace(/Trace ID:.*$/, '').trim().slice(0, 300);
}
