import type { Actor } from '../audit/audit-entry.entity.js';
import type { Role } from './auth.entities.js';
import { errors } from '../shared/errors.js';

/** The authenticated caller of a request. Every domain call is scoped to its organisation. */
export interface Viewer {
  organizationId: string;
  memberId: string;
  role: Role;
  email: string;
  name: string;
  /** How the caller authenticated: a sign-in session (cookie or bearer) or a personal API token. */
  via: 'session' | 'api_token';
  /** The session or API token row that authenticated this request. */
  credentialId: string;
  actor: Actor;
}

const RANK: Record<Role, number> = { VIEWER: 1, ADMIN: 2, OWNER: 3 };

/** True when `role` is at least `minimum` (OWNER > ADMIN > VIEWER). */
export function hasRole(role: Role, minimum: Role): boolean {
  return RANK[role] >= RANK[minimum];
}

/** Asserts a signed-in caller with at least `minimum`; returns it. */
export function requireRole(viewer: Viewer | null, minimum: Role): Viewer {
  if (!viewer) throw errors.unauthenticated();
  if (!hasRole(viewer.role, minimum)) {
    throw errors.forbidden(
      minimum === 'OWNER'
        ? 'Only an owner of this organisation can do this.'
        : `Your role (${viewer.role}) cannot change anything; ask an owner for the ${minimum} role.`,
    );
  }
  return viewer;
}
