import type { EntityManager } from '@mikro-orm/postgresql';
import type { Clock } from '../shared/clock.js';
import type { IdGenerator } from '../shared/ids.js';
import { isUuid } from '../shared/ids.js';
import { errors, isUniqueViolation } from '../shared/errors.js';
import type { Organization } from '../organizations/organization.entity.js';
import { OrganizationSchema } from '../organizations/organization.entity.js';
import {
  ApiTokenSchema,
  AuthSessionSchema,
  MemberSchema,
  type ApiToken,
  type Member,
  type Role,
} from './auth.entities.js';
import { DUMMY_HASH, hashPassword, passwordProblem, verifyPassword } from './password.js';
import { displayPrefix, hashToken, mintToken, parseToken, tokenMatches } from './tokens.js';
import type { Viewer } from './viewer.js';
import { requireRole } from './viewer.js';
import type { AuditService } from '../audit/audit.service.js';

export interface AuthServiceDeps {
  clock: Clock;
  ids: IdGenerator;
  audit: AuditService;
  sessionTtlHours: number;
}

/** Request facts kept with a session for the members page and incident review. */
export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

export interface SignedIn {
  token: string;
  expiresAt: Date;
  member: Member;
  organization: Organization;
}

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
// Last-use times are written at most this often per credential, so reads stay read-only.
const LAST_USED_RESOLUTION_MS = 60_000;

function normaliseEmail(email: string): string {
  const e = email.trim().toLowerCase();
  if (!EMAIL_RE.test(e) || e.length > 320) throw errors.badInput(`"${email}" is not an email address.`, 'email');
  return e;
}

function checkPassword(password: string): void {
  const problem = passwordProblem(password);
  if (problem) throw errors.badInput(problem, 'password');
}

/** Administrators, sign-in sessions, personal API tokens and the first-run setup. */
export class AuthService {
  constructor(private readonly deps: AuthServiceDeps) {}

  /** True until the first organisation and owner exist. */
  async needsSetup(em: EntityManager): Promise<boolean> {
    return (await em.count(MemberSchema, {})) === 0;
  }

  /**
   * Creates the first organisation and its owner. Refused once any administrator exists; an
   * advisory lock makes two simultaneous first-run requests produce one organisation.
   */
  async setup(
    em: EntityManager,
    input: { organizationName: string; name: string; email: string; password: string },
    client: ClientInfo,
  ): Promise<SignedIn> {
    const email = normaliseEmail(input.email);
    checkPassword(input.password);
    const orgName = input.organizationName.trim();
    if (!orgName) throw errors.badInput('Give your organisation a name.', 'organizationName');
    const name = input.name.trim();
    if (!name) throw errors.badInput('Tell us your name.', 'name');
    const passwordHash = await hashPassword(input.password);
    return em.transactional(async (tem) => {
      await tem.execute(`SELECT pg_advisory_xact_lock(hashtext('rollcall.setup'))`);
      if ((await tem.count(MemberSchema, {})) > 0) {
        throw errors.conflict('Rollcall is already set up. Sign in instead, or ask an owner to add you.');
      }
      const now = this.deps.clock.now();
      const organization = tem.create(OrganizationSchema, { id: this.deps.ids.uuid(), name: orgName, createdAt: now });
      const member = tem.create(MemberSchema, {
        id: this.deps.ids.uuid(),
        organizationId: organization.id,
        email,
        name,
        role: 'OWNER',
        passwordHash,
        createdAt: now,
        lastSignInAt: now,
      });
      this.deps.audit.record(tem, {
        organizationId: organization.id,
        entityType: 'organization',
        entityId: organization.id,
        action: 'organization.created',
        actor: { type: 'MEMBER', id: member.id, label: email },
        changes: [{ field: 'name', before: null, after: orgName }],
      });
      const session = this.newSession(tem, member, client);
      return { ...session, member, organization };
    });
  }

  /** Creates the first organisation and owner from configuration when none exists; idempotent. */
  async bootstrapAdmin(em: EntityManager, orgName: string, email: string, password: string): Promise<boolean> {
    if (!(await this.needsSetup(em))) return false;
    try {
      await this.setup(em, { organizationName: orgName, name: 'Administrator', email, password }, { ip: null, userAgent: 'bootstrap' });
      return true;
    } catch (err) {
      if ((err as { code?: string }).code === 'CONFLICT') return false;
      throw err;
    }
  }

  /** Verifies email and password; a wrong pair never says which part was wrong. */
  async login(em: EntityManager, emailRaw: string, password: string, client: ClientInfo): Promise<SignedIn> {
    const email = emailRaw.trim().toLowerCase();
    const member = await em.findOne(MemberSchema, { email }, { populate: ['passwordHash'] });
    const ok = await verifyPassword(password, member?.passwordHash ?? DUMMY_HASH);
    if (!member || !ok) throw errors.unauthenticated('The email or password is not right.');
    const organization = await em.findOneOrFail(OrganizationSchema, { id: member.organizationId });
    member.lastSignInAt = this.deps.clock.now();
    const session = this.newSession(em, member, client);
    await em.flush();
    return { ...session, member, organization };
  }

  private newSession(em: EntityManager, member: Member, client: ClientInfo): { token: string; expiresAt: Date } {
    const id = this.deps.ids.uuid();
    const token = mintToken('rcs', id, this.deps.ids);
    const now = this.deps.clock.now();
    const expiresAt = new Date(now.getTime() + this.deps.sessionTtlHours * 3600_000);
    em.create(AuthSessionSchema, {
      id,
      organizationId: member.organizationId,
      memberId: member.id,
      tokenHash: hashToken(token),
      createdAt: now,
      expiresAt,
      lastUsedAt: now,
      revokedAt: null,
      ip: client.ip,
      userAgent: client.userAgent?.slice(0, 300) ?? null,
    });
    return { token, expiresAt };
  }

  /** Ends the session that made the request (API tokens are revoked separately). */
  async logout(em: EntityManager, viewer: Viewer): Promise<void> {
    if (viewer.via !== 'session') return;
    await em.nativeUpdate(AuthSessionSchema, { id: viewer.credentialId }, { revokedAt: this.deps.clock.now() });
  }

  /**
   * Resolves a bearer or cookie token to its caller in one query, or null when the token is
   * malformed, unknown, expired or revoked.
   */
  async resolveToken(em: EntityManager, token: string): Promise<Viewer | null> {
    const parsed = parseToken(token);
    if (!parsed) return null;
    const table = parsed.kind === 'rcs' ? 'auth_session' : 'api_token';
    const expiry = parsed.kind === 'rcs' ? 'c.expires_at' : 'NULL::timestamptz';
    const rows = await em.execute<
      Array<{ token_hash: Buffer; revoked_at: string | null; expires_at: string | null; last_used_at: string | null; member_id: string; organization_id: string; role: Role; email: string; name: string; token_name: string | null }>
    >(
      `SELECT c.token_hash, c.revoked_at, ${expiry} AS expires_at, c.last_used_at, m.id AS member_id,
              m.organization_id, m.role, m.email, m.name, ${parsed.kind === 'rcp' ? 'c.name' : 'NULL'} AS token_name
         FROM ${table} c JOIN member m ON m.id = c.member_id
        WHERE c.id = ?`,
      [parsed.rowId],
    );
    const row = rows[0];
    if (!row || !tokenMatches(token, row.token_hash) || row.revoked_at) return null;
    const now = this.deps.clock.now();
    // Raw queries return timestamps as text (MikroORM's driver disables pg's date parsing).
    if (row.expires_at && new Date(row.expires_at) <= now) return null;
    if (!row.last_used_at || now.getTime() - new Date(row.last_used_at).getTime() > LAST_USED_RESOLUTION_MS) {
      // Fire and forget: a lost last-use update must never fail the request it describes.
      void em.getConnection().execute(`UPDATE ${table} SET last_used_at = ? WHERE id = ?`, [now, parsed.rowId]).catch(() => undefined);
    }
    const viaToken = parsed.kind === 'rcp';
    return {
      organizationId: row.organization_id,
      memberId: row.member_id,
      role: row.role,
      email: row.email,
      name: row.name,
      via: viaToken ? 'api_token' : 'session',
      credentialId: parsed.rowId,
      actor: viaToken
        ? { type: 'API_TOKEN', id: parsed.rowId, label: `${row.email} (token "${row.token_name}")` }
        : { type: 'MEMBER', id: row.member_id, label: row.email },
    };
  }

  async organization(em: EntityManager, viewer: Viewer): Promise<Organization> {
    return em.findOneOrFail(OrganizationSchema, { id: viewer.organizationId });
  }

  async member(em: EntityManager, viewer: Viewer, id: string): Promise<Member> {
    const member = isUuid(id) ? await em.findOne(MemberSchema, { id, organizationId: viewer.organizationId }) : null;
    if (!member) throw errors.notFound('Member', id);
    return member;
  }

  async members(em: EntityManager, viewer: Viewer): Promise<Member[]> {
    return em.find(MemberSchema, { organizationId: viewer.organizationId }, { orderBy: { createdAt: 'asc' } });
  }

  /** Adds an administrator with an initial password (shared with them out of band). */
  async addMember(
    em: EntityManager,
    viewer: Viewer,
    input: { email: string; name: string; role: Role; password: string },
  ): Promise<Member> {
    requireRole(viewer, input.role === 'OWNER' ? 'OWNER' : 'ADMIN');
    const email = normaliseEmail(input.email);
    checkPassword(input.password);
    const name = input.name.trim();
    if (!name) throw errors.badInput('Give the member a name.', 'name');
    const member = em.create(MemberSchema, {
      id: this.deps.ids.uuid(),
      organizationId: viewer.organizationId,
      email,
      name,
      role: input.role,
      passwordHash: await hashPassword(input.password),
      createdAt: this.deps.clock.now(),
      lastSignInAt: null,
    });
    this.auditMember(em, viewer, member.id, 'member.added', [
      { field: 'email', before: null, after: email },
      { field: 'role', before: null, after: input.role },
    ]);
    try {
      await em.flush();
    } catch (err) {
      if (isUniqueViolation(err)) throw errors.conflict(`An administrator with the email ${email} already exists.`, { field: 'email' });
      throw err;
    }
    return member;
  }

  async updateMemberRole(em: EntityManager, viewer: Viewer, id: string, role: Role): Promise<Member> {
    requireRole(viewer, 'OWNER');
    const member = await this.member(em, viewer, id);
    if (member.role === role) return member;
    if (member.role === 'OWNER') await this.keepAnOwner(em, viewer, member.id);
    this.auditMember(em, viewer, member.id, 'member.role_changed', [{ field: 'role', before: member.role, after: role }]);
    member.role = role;
    await em.flush();
    return member;
  }

  async removeMember(em: EntityManager, viewer: Viewer, id: string): Promise<void> {
    requireRole(viewer, 'OWNER');
    const member = await this.member(em, viewer, id);
    if (member.role === 'OWNER') await this.keepAnOwner(em, viewer, member.id);
    this.auditMember(em, viewer, member.id, 'member.removed', [{ field: 'email', before: member.email, after: null }]);
    em.remove(member);
    await em.flush();
  }

  private async keepAnOwner(em: EntityManager, viewer: Viewer, leaving: string): Promise<void> {
    const owners = await em.count(MemberSchema, { organizationId: viewer.organizationId, role: 'OWNER', id: { $ne: leaving } });
    if (owners === 0) throw errors.conflict('An organisation needs at least one owner: make someone else an owner first.');
  }

  private auditMember(em: EntityManager, viewer: Viewer, memberId: string, action: string, changes: { field: string; before: unknown; after: unknown }[]): void {
    this.deps.audit.record(em, {
      organizationId: viewer.organizationId,
      entityType: 'member',
      entityId: memberId,
      action,
      actor: viewer.actor,
      changes,
    });
  }

  async apiTokens(em: EntityManager, viewer: Viewer): Promise<ApiToken[]> {
    return em.find(ApiTokenSchema, { organizationId: viewer.organizationId }, { orderBy: { createdAt: 'desc' } });
  }

  /** Creates a personal API token acting with the caller's role; the token is returned once. */
  async createApiToken(em: EntityManager, viewer: Viewer, nameRaw: string): Promise<{ token: string; apiToken: ApiToken }> {
    const name = nameRaw.trim();
    if (!name || name.length > 100) throw errors.badInput('Name the token (1 to 100 characters) so you can recognise it later.', 'name');
    const id = this.deps.ids.uuid();
    const token = mintToken('rcp', id, this.deps.ids);
    const apiToken = em.create(ApiTokenSchema, {
      id,
      organizationId: viewer.organizationId,
      memberId: viewer.memberId,
      name,
      prefix: displayPrefix(token),
      tokenHash: hashToken(token),
      createdAt: this.deps.clock.now(),
      lastUsedAt: null,
      revokedAt: null,
    });
    this.deps.audit.record(em, {
      organizationId: viewer.organizationId,
      entityType: 'api_token',
      entityId: id,
      action: 'api_token.created',
      actor: viewer.actor,
      changes: [{ field: 'name', before: null, after: name }],
    });
    await em.flush();
    return { token, apiToken };
  }

  /** Revokes a token; the next request that presents it is refused. */
  async revokeApiToken(em: EntityManager, viewer: Viewer, id: string): Promise<ApiToken> {
    const apiToken = isUuid(id) ? await em.findOne(ApiTokenSchema, { id, organizationId: viewer.organizationId }) : null;
    if (!apiToken) throw errors.notFound('API token', id);
    // Owners and admins may revoke any token; a viewer only their own.
    if (apiToken.memberId !== viewer.memberId) requireRole(viewer, 'ADMIN');
    if (!apiToken.revokedAt) {
      apiToken.revokedAt = this.deps.clock.now();
      this.deps.audit.record(em, {
        organizationId: viewer.organizationId,
        entityType: 'api_token',
        entityId: id,
        action: 'api_token.revoked',
        actor: viewer.actor,
        changes: [],
      });
      await em.flush();
    }
    return apiToken;
  }
}
