import { parse as parseCookie, serialize } from 'cookie';
import type { IncomingMessage } from 'node:http';

export const SESSION_COOKIE = 'rollcall_session';

/** The credential a request presents: `Authorization: Bearer …` first, then the session cookie. */
export function tokenFromRequest(req: IncomingMessage): string | null {
  const auth = req.headers.authorization;
  if (auth) {
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    return m ? m[1]! : null;
  }
  const cookies = req.headers.cookie ? parseCookie(req.headers.cookie) : {};
  return cookies[SESSION_COOKIE] ?? null;
}

/** True when the request is authenticated by the session cookie (a browser's ambient credential), not a bearer token. */
export function usesSessionCookie(req: IncomingMessage): boolean {
  return !req.headers.authorization && tokenFromRequest(req) !== null;
}

/** HttpOnly, SameSite=Lax session cookie (Secure when configured, i.e. behind HTTPS). */
export function sessionCookie(token: string, expiresAt: Date, secure: boolean): string {
  return serialize(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure, path: '/', expires: expiresAt });
}

export function clearedSessionCookie(secure: boolean): string {
  return serialize(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'lax', secure, path: '/', expires: new Date(0) });
}
