import type { GraphQLTestClient } from './graphql.js';

/** A list connected to SCIM with a token, through GraphQL, as an administrator would set it up. */
export async function connectScimList(
  owner: GraphQLTestClient,
  name: string,
  uniqueIdentifier: 'EMPLOYEE_NUMBER' | 'USERNAME' | 'EMAIL' = 'USERNAME',
): Promise<{ listId: string; token: string; baseUrl: string; tokenId: string }> {
  const { createMasterList } = await owner.ok<{ createMasterList: { id: string } }>(
    `mutation($n: String!) { createMasterList(input: { name: $n, uidField: { key: "badge", label: "Badge", type: TEXT } }) { id } }`,
    { n: name },
  );
  await owner.ok(`mutation($l: ID!, $u: ScimUniqueIdentifier!) { connectScim(listId: $l, uniqueIdentifier: $u) { listId } }`, { l: createMasterList.id, u: uniqueIdentifier });
  const { generateScimToken } = await owner.ok<{ generateScimToken: { token: string; baseUrl: string; scimToken: { id: string } } }>(
    `mutation($l: ID!) { generateScimToken(listId: $l) { token baseUrl scimToken { id } } }`,
    { l: createMasterList.id },
  );
  return { listId: createMasterList.id, token: generateScimToken.token, baseUrl: generateScimToken.baseUrl, tokenId: generateScimToken.scimToken.id };
}

/** A response body as JSON.parse gives it: assertions read SCIM's shapes freely. */
type ScimBody = ReturnType<typeof JSON.parse>;

export interface ScimResponse {
  status: number;
  headers: Headers;
  body: ScimBody;
}

/** A SCIM client for one base URL and token, speaking HTTP as identity providers do. */
export class ScimClient {
  constructor(
    readonly baseUrl: string,
    readonly token: string | null,
    private readonly headers: Record<string, string> = {},
  ) {}

  with(headers: Record<string, string>): ScimClient {
    return new ScimClient(this.baseUrl, this.token, { ...this.headers, ...headers });
  }

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ScimResponse> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/scim+json' } : {}),
        ...this.headers,
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: ScimBody = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = text;
    }
    // Nothing internal ever leaks through the SCIM edge either.
    if (res.status >= 400 && /\bselect\b[\s\S]*\bfrom\b|\n\s+at\s|sqlState|constraint/i.test(text)) throw new Error(`SCIM error shows internals: ${text}`);
    return { status: res.status, headers: res.headers, body: parsed };
  }

  get = (path: string, headers?: Record<string, string>) => this.request('GET', path, undefined, headers);
  post = (path: string, body: unknown, headers?: Record<string, string>) => this.request('POST', path, body, headers);
  put = (path: string, body: unknown, headers?: Record<string, string>) => this.request('PUT', path, body, headers);
  patch = (path: string, body: unknown, headers?: Record<string, string>) => this.request('PATCH', path, body, headers);
  delete = (path: string, headers?: Record<string, string>) => this.request('DELETE', path, undefined, headers);
}
