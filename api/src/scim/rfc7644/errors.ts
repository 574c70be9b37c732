/**
 * RFC 7644 §3.12 errors: every failure of the SCIM edge carries an HTTP status and, where the RFC
 * defines one, a `scimType`, and is answered with the Error message body.
 */
export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive';

export const ERROR_URN = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** A SCIM protocol error with its status and scimType. */
export class ScimError extends Error {
  constructor(
    readonly status: number,
    readonly scimType: ScimType | null,
    readonly detail: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'ScimError';
  }

  /** The §3.12 body: `status` is a string in the RFC's examples, and IdPs accept it so. */
  body(): Record<string, unknown> {
    return { schemas: [ERROR_URN], status: String(this.status), ...(this.scimType ? { scimType: this.scimType } : {}), detail: this.detail };
  }
}

/** Factories, so call sites read as the RFC's table of errors. */
export const scimErrors = {
  invalidFilter: (detail: string) => new ScimError(400, 'invalidFilter', detail),
  invalidSyntax: (detail: string) => new ScimError(400, 'invalidSyntax', detail),
  invalidPath: (detail: string) => new ScimError(400, 'invalidPath', detail),
  invalidValue: (detail: string) => new ScimError(400, 'invalidValue', detail),
  noTarget: (detail: string) => new ScimError(400, 'noTarget', detail),
  mutability: (detail: string) => new ScimError(400, 'mutability', detail),
  uniqueness: (detail: string) => new ScimError(409, 'uniqueness', detail),
  tooMany: (detail: string) => new ScimError(400, 'tooMany', detail),
  unauthorized: (detail: string) => new ScimError(401, null, detail, { 'WWW-Authenticate': 'Bearer realm="rollcall-scim"' }),
  notFound: (detail: string) => new ScimError(404, null, detail),
  methodNotAllowed: (detail: string) => new ScimError(405, null, detail),
  preconditionFailed: (detail: string) => new ScimError(412, null, detail),
  payloadTooLarge: (detail: string) => new ScimError(413, null, detail),
  unsupportedMediaType: (detail: string) => new ScimError(415, null, detail),
  tooManyRequests: (retryAfterSeconds: number) =>
    new ScimError(429, null, `Too many requests with this token; retry after ${retryAfterSeconds} seconds.`, { 'Retry-After': String(retryAfterSeconds) }),
  internal: () => new ScimError(500, null, 'Rollcall could not process the request; try again. If it keeps failing, look at the server log.'),
  notImplemented: (detail: string) => new ScimError(501, null, detail),
  /** Not in §3.12's table, which is not exhaustive; the body keeps §3.12's shape so IdPs show the detail and retry. */
  serviceUnavailable: (retryAfterSeconds: number) =>
    new ScimError(503, null, `Rollcall cannot reach its database just now (it may be restarting); nothing was changed. Retry after ${retryAfterSeconds} seconds.`, { 'Retry-After': String(retryAfterSeconds) }),
};
