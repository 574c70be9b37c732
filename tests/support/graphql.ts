import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface GraphQLErrorShape {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; [k: string]: unknown };
}

export interface GraphQLResponse<T> {
  status: number;
  headers: Headers;
  data?: T | null;
  errors?: GraphQLErrorShape[];
}

// What internals look like in an error body: SQL statements, stack frames, driver details.
const INTERNALS = [
  /\bselect\b[\s\S]*\bfrom\b/i,
  /\binsert into\b/i,
  /\bupdate\s+"?\w+"?\s+set\b/i,
  /\bdelete from\b/i,
  /\n\s+at\s/,
  /\bat \S+ \(?\S+\.(?:ts|js|mjs|cjs):\d+:\d+\)?/,
  /stacktrace|exception|sqlState|routine|constraint \\?"/i,
];

/**
 * Fails when GraphQL errors show internals. Every response of `GraphQLTestClient` passes through
 * it, so each failing case of every test also checks that nothing leaks.
 */
export function assertNoInternals(errors: GraphQLErrorShape[] | undefined): void {
  if (!errors?.length) return;
  const text = JSON.stringify(errors);
  for (const re of INTERNALS) {
    if (re.test(text)) throw new Error(`GraphQL error shows internals (${re}): ${text}`);
  }
}

/** A minimal GraphQL-over-HTTP client for tests: raw responses, or data that must have no errors. */
export class GraphQLTestClient {
  constructor(
    readonly baseUrl: string,
    readonly token?: string,
    private readonly extraHeaders: Record<string, string> = {},
  ) {}

  /** The same server, authenticated with a bearer token. */
  as(token: string): GraphQLTestClient {
    return new GraphQLTestClient(this.baseUrl, token, this.extraHeaders);
  }

  /** Another server sharing the database, with the same credentials. */
  withBase(baseUrl: string): GraphQLTestClient {
    return new GraphQLTestClient(baseUrl, this.token, this.extraHeaders);
  }

  /** The same server with extra headers (e.g. a cookie). */
  withHeaders(headers: Record<string, string>): GraphQLTestClient {
    return new GraphQLTestClient(this.baseUrl, this.token, { ...this.extraHeaders, ...headers });
  }

  async request<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>> {
    const res = await fetch(`${this.baseUrl}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...this.extraHeaders,
      },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: T; errors?: GraphQLErrorShape[] };
    assertNoInternals(body.errors);
    return { status: res.status, headers: res.headers, ...body };
  }

  /** Data of an operation that must succeed; throws with the errors otherwise. */
  async ok<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<T> {
    const res = await this.request<T>(query, variables);
    if (res.errors?.length || !res.data) throw new Error(`GraphQL errors: ${JSON.stringify(res.errors)}`);
    return res.data;
  }

  /** The error code of an operation that must fail. */
  async errorCode(query: string, variables?: Record<string, unknown>): Promise<string | undefined> {
    const res = await this.request(query, variables);
    if (!res.errors?.length) throw new Error(`expected an error, got ${JSON.stringify(res.data)}`);
    return res.errors[0]!.extensions?.code;
  }

  /** A graphql-ws client on the same path, authenticated with this client's token. */
  ws(): Client {
    return createClient({
      url: `${this.baseUrl.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: this.token ? { authorization: `Bearer ${this.token}` } : {},
      retryAttempts: 0,
      lazy: true,
    });
  }
}
