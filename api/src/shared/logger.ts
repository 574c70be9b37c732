import { pino, type DestinationStream, type Logger } from 'pino';
import { requestContext } from './request-context.js';

export type { Logger };

/** Keys whose values are secrets wherever they appear (top level or one object down). */
const SECRET_KEYS = [
  'password',
  'newPassword',
  'currentPassword',
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'clientSecret',
  'client_secret',
  'secret',
  'authorization',
  'Authorization',
  'cookie',
  'Cookie',
];

const PATHS = [
  ...SECRET_KEYS.flatMap((k) => [k, `*.${k}`]),
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'variables.password',
  'variables.input.password',
  'variables.input.clientSecret',
  'variables.i.clientSecret',
];

/**
 * The last line of defence, on the serialised line: credentials that reached a message or an
 * error's text (where path redaction cannot see them) are replaced. Bearer values, Rollcall's own
 * tokens (rcs_/rcp_/sct_), JWTs (Graph access tokens) and client_secret form fields.
 */
export function scrubSecrets(line: string): string {
  return line
    .replace(/(Bearer\s+)[^\s"\\,;]+/gi, '$1[redacted]')
    .replace(/\b(rcs|rcp|sct)_[0-9a-f]{32}_[A-Za-z0-9_-]+/g, '$1_[redacted]')
    .replace(/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g, '[redacted jwt]')
    .replace(/((?:client_secret|client_assertion|password)=)[^&\s"\\]+/gi, '$1[redacted]');
}

/**
 * Structured JSON logs: secrets are redacted by path wherever they might appear, credentials are
 * scrubbed from the text of every line, and lines written while serving a request carry its
 * `reqId`. `destination` (tests) receives the lines instead of stdout.
 */
export function createLogger(level: string, pretty = false, destination?: DestinationStream): Logger {
  const options = {
    level,
    redact: { paths: PATHS, censor: '[redacted]' },
    mixin: () => {
      const ctx = requestContext.getStore();
      return ctx ? { reqId: ctx.reqId } : {};
    },
    hooks: { streamWrite: scrubSecrets },
    ...(pretty && !destination ? { transport: { target: 'pino-pretty', options: { colorize: true } } } : {}),
  };
  return destination ? pino(options, destination) : pino(options);
}
