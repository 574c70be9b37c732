import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, scrubSecrets } from './logger.js';
import { requestContext } from './request-context.js';

function capture() {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  return { logger: createLogger('debug', false, stream), text: () => text };
}

const SESSION = `rcs_${'a1'.repeat(16)}_Zx9-secretPart_abcdefghijkl`;
const SCIM = `sct_${'0f'.repeat(16)}_AnotherSecretPart_1234567890`;
const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL2dyYXBoIn0.c2lnbmF0dXJlLXBhcnQ';

describe('logger', () => {
  it('redacts secrets by key, top level and one object down', () => {
    const { logger, text } = capture();
    logger.info({ password: 'pw-1', clientSecret: 'cs-1', input: { clientSecret: 'cs-2', password: 'pw-2', newPassword: 'pw-3' }, token: 'tk-1', req: { headers: { authorization: 'Basic dXNlcjpwYXNz', cookie: 'rollcall_session=abc' } } }, 'x');
    logger.info({ headers: { authorization: 'Basic b3RoZXI=', cookie: 'c=1' }, access_token: 'at-1', body: { refresh_token: 'rt-1', client_secret: 'cs-3' } }, 'y');
    for (const secret of ['pw-1', 'pw-2', 'pw-3', 'cs-1', 'cs-2', 'cs-3', 'tk-1', 'dXNlcjpwYXNz', 'b3RoZXI=', 'rollcall_session=abc', 'at-1', 'rt-1']) expect(text()).not.toContain(secret);
    expect(text()).toContain('[redacted]');
  });

  it('scrubs credentials from messages and error texts, where keys cannot be seen', () => {
    const { logger, text } = capture();
    logger.error({ err: new Error(`request failed with Authorization: Bearer ${JWT} and ${SCIM}`) }, `signed in with ${SESSION}`);
    logger.warn(`token request body client_id=abc&client_secret=s3cr3t~value&grant_type=client_credentials`);
    for (const secret of [JWT, SCIM, SESSION, 's3cr3t~value', 'Zx9-secretPart', 'AnotherSecretPart']) expect(text()).not.toContain(secret);
    expect(text()).toContain('client_id=abc');
    expect(text()).toContain('rcs_[redacted]');
  });

  it('leaves ordinary text alone', () => {
    expect(scrubSecrets('{"msg":"synced 12 people","bearer":"none","route":"/scim/v2/lists/:listId/Users"}')).toBe('{"msg":"synced 12 people","bearer":"none","route":"/scim/v2/lists/:listId/Users"}');
  });

  it('adds the request id to lines written inside a request context only', () => {
    const { logger, text } = capture();
    requestContext.run({ reqId: 'req-0001-abcd' }, () => logger.info('inside'));
    logger.info('outside');
    const [inside, outside] = text().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(inside).toMatchObject({ msg: 'inside', reqId: 'req-0001-abcd' });
    expect(outside!.reqId).toBeUndefined();
  });
});
