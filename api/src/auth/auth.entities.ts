import { EntitySchema } from '@mikro-orm/core';

export type Role = 'OWNER' | 'ADMIN' | 'VIEWER';
export const ROLES: readonly Role[] = ['OWNER', 'ADMIN', 'VIEWER'];

/** An administrator of one organisation. */
export interface Member {
  id: string;
  organizationId: string;
  email: string;
  name: string;
  role: Role;
  passwordHash: string;
  createdAt: Date;
  lastSignInAt: Date | null;
}

export const MemberSchema = new EntitySchema<Member>({
  name: 'Member',
  tableName: 'member',
  properties: {
    id: { type: 'uuid', primary: true },
    organizationId: { type: 'uuid' },
    email: { type: 'text' },
    name: { type: 'text' },
    role: { type: 'text' },
    passwordHash: { type: 'text', lazy: true },
    createdAt: { type: 'Date', onCreate: () => new Date() },
    lastSignInAt: { type: 'Date', nullable: true },
  },
});

/** A signed-in browser or script session created by login; its token is stored hashed. */
export interface AuthSession {
  id: string;
  organizationId: string;
  memberId: string;
  tokenHash: Buffer;
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  ip: string | null;
  userAgent: string | null;
}

export const AuthSessionSchema = new EntitySchema<AuthSession>({
  name: 'AuthSession',
  tableName: 'auth_session',
  properties: {
    id: { type: 'uuid', primary: true },
    organizationId: { type: 'uuid' },
    memberId: { type: 'uuid' },
    tokenHash: { type: 'Buffer', columnType: 'bytea' },
    createdAt: { type: 'Date', onCreate: () => new Date() },
    expiresAt: { type: 'Date' },
    lastUsedAt: { type: 'Date', nullable: true },
    revokedAt: { type: 'Date', nullable: true },
    ip: { type: 'text', nullable: true },
    userAgent: { type: 'text', nullable: true },
  },
});

/** A personal API token for integrators; acts with its creator's role. Stored hashed. */
export interface ApiToken {
  id: string;
  organizationId: string;
  memberId: string;
  name: string;
  prefix: string;
  tokenHash: Buffer;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export const ApiTokenSchema = new EntitySchema<ApiToken>({
  name: 'ApiToken',
  tableName: 'api_token',
  properties: {
    id: { type: 'uuid', primary: true },
    organizationId: { type: 'uuid' },
    memberId: { type: 'uuid' },
    name: { type: 'text' },
    prefix: { type: 'text' },
    tokenHash: { type: 'Buffer', columnType: 'bytea' },
    createdAt: { type: 'Date', onCreate: () => new Date() },
    lastUsedAt: { type: 'Date', nullable: true },
    revokedAt: { type: 'Date', nullable: true },
  },
});
