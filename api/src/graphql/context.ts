import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from '../auth/viewer.js';
import type { ClientInfo } from '../auth/auth.service.js';
import { errors } from '../shared/errors.js';
import type { Loaders } from './loaders.js';
import type { EventBus } from '../events/event-bus.js';

/** Per-request GraphQL context: one EntityManager fork, the caller, and request-scoped loaders. */
export interface Context {
  em: EntityManager;
  viewer: Viewer | null;
  client: ClientInfo;
  /** Where the caller reached Rollcall (ROLLCALL_PUBLIC_URL, else the request's Host), for URLs it shows. */
  origin: string | null;
  loaders: Loaders;
  /** Committed domain events, for subscriptions. */
  bus: EventBus;
  /** Present on HTTP requests: sets or clears the HttpOnly session cookie. */
  session?: {
    set(token: string, expiresAt: Date): void;
    clear(): void;
  };
}

/** The signed-in caller, or UNAUTHENTICATED. */
export function signedIn(ctx: Context): Viewer {
  if (!ctx.viewer) throw errors.unauthenticated();
  return ctx.viewer;
}
