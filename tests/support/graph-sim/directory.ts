import { createHash, randomUUID } from 'node:crypto';

/**
 * The state of one simulated Entra tenant: users, groups, photos and app registrations, with the
 * change log delta queries read. Every mutation advances a version counter; delta tokens carry the
 * version they were issued at, so a delta round returns exactly what changed after it.
 */

export type UserObject = Record<string, unknown> & { id: string };

export interface AppRegistration {
  clientId: string;
  secret: string;
  /** Application permissions granted with admin consent, e.g. User.Read.All. */
  roles: Set<string>;
}

export interface Photo {
  bytes: Buffer;
  contentType: string;
  etag: string;
}

interface UserState {
  data: UserObject;
  createdAt: number;
  /** Version at which each property last changed. */
  changedAt: Map<string, number>;
}

interface GroupState {
  id: string;
  displayName: string;
  description: string | null;
  /** Direct members: user or group ids. */
  members: Set<string>;
  /** When each direct member was added or removed (for group delta). */
  memberChanges: Map<string, { at: number; removed: boolean }>;
  changedAt: number;
}

/** Properties Graph returns for a user when no $select is given. */
export const DEFAULT_USER_PROPERTIES = ['businessPhones', 'displayName', 'givenName', 'jobTitle', 'mail', 'mobilePhone', 'officeLocation', 'preferredLanguage', 'surname', 'userPrincipalName', 'id'];

/** Every user property the simulator knows (a subset of microsoft.graph.user that rosters use). */
export const USER_PROPERTIES = new Set([
  'id', 'accountEnabled', 'businessPhones', 'city', 'companyName', 'country', 'createdDateTime', 'department', 'displayName',
  'employeeHireDate', 'employeeId', 'employeeType', 'employeeOrgData', 'faxNumber', 'givenName', 'jobTitle', 'mail', 'mailNickname',
  'mobilePhone', 'officeLocation', 'onPremisesExtensionAttributes', 'onPremisesImmutableId', 'onPremisesSamAccountName',
  'onPremisesSyncEnabled', 'onPremisesDistinguishedName', 'onPremisesDomainName', 'onPremisesUserPrincipalName', 'otherMails',
  'postalCode', 'preferredLanguage', 'proxyAddresses', 'state', 'streetAddress', 'surname', 'usageLocation', 'userPrincipalName', 'userType',
]);

export class Directory {
  readonly tenantId: string;
  readonly domain: string;
  version = 1;
  private seeded = 0;
  /** Delta tokens issued before this version are gone (expired or reset). */
  oldestValidVersion = 0;
  private readonly users = new Map<string, UserState>();
  private readonly removed = new Map<string, { at: number; createdAt: number; reason: 'changed' | 'deleted' }>();
  /** Every user creation, change and deletion in version order, so a delta round reads only what changed. */
  private readonly changeLog: Array<{ at: number; id: string }> = [];
  /** The last delta rounds' change lists, by version window: their pages must agree. */
  private readonly rounds = new Map<string, ReturnType<Directory['usersChangedSince']>>();
  private readonly groups = new Map<string, GroupState>();
  readonly photos = new Map<string, Photo>();
  readonly apps = new Map<string, AppRegistration>();
  /** Directory extension properties registered by apps: extension_<appId>_<name>. */
  readonly extensionProperties: Array<{ name: string; dataType: string; appDisplayName: string }> = [];

  constructor(tenantId: string = randomUUID(), domain = 'contoso.onmicrosoft.com') {
    this.tenantId = tenantId;
    this.domain = domain;
  }

  registerApp(roles: readonly string[] = ['User.Read.All', 'GroupMember.Read.All'], clientId: string = randomUUID(), secret = `sim~${randomUUID()}`): AppRegistration {
    const app = { clientId, secret, roles: new Set(roles) };
    this.apps.set(clientId, app);
    return app;
  }

  registerExtension(name: string, appId = 'b7c4f0e5a1d24a8c9e3f2d1c0b9a8f7e', dataType = 'String'): string {
    const full = `extension_${appId}_${name}`;
    this.extensionProperties.push({ name: full, dataType, appDisplayName: 'Rollcall demo HR' });
    return full;
  }

  // ---- users ----

  addUser(props: Partial<UserObject> = {}): UserObject {
    const id = (props.id as string | undefined) ?? randomUUID();
    const v = ++this.version;
    const data: UserObject = { accountEnabled: true, businessPhones: [], createdDateTime: new Date().toISOString(), ...props, id };
    const changedAt = new Map(Object.keys(data).map((k) => [k, v]));
    this.users.set(id, { data, createdAt: v, changedAt });
    this.removed.delete(id);
    this.changeLog.push({ at: v, id });
    return data;
  }

  /** Seeds `n` realistic users; `make` may adjust each. Returns their ids in creation order. */
  seedUsers(n: number, make: (i: number, u: UserObject) => void = () => undefined): string[] {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      // Numbered across calls, so employee ids and addresses stay unique in the tenant.
      const u = sampleUser(this.seeded++, this.domain);
      make(i, u);
      ids.push(this.addUser(u).id);
    }
    return ids;
  }

  updateUser(id: string, patch: Record<string, unknown>): void {
    const u = this.mustUser(id);
    const v = ++this.version;
    for (const [k, value] of Object.entries(patch)) {
      if (value === undefined) delete u.data[k];
      else u.data[k] = value;
      u.changedAt.set(k, v);
    }
    this.changeLog.push({ at: v, id });
  }

  /** Deletes a user (soft delete: delta reports it removed with reason "changed"). */
  deleteUser(id: string, reason: 'changed' | 'deleted' = 'changed'): void {
    const u = this.mustUser(id);
    this.users.delete(id);
    this.photos.delete(id);
    this.removed.set(id, { at: ++this.version, createdAt: u.createdAt, reason });
    this.changeLog.push({ at: this.version, id });
    for (const g of this.groups.values()) if (g.members.has(id)) this.removeMember(g.id, id);
  }

  user(id: string): UserObject | undefined {
    return this.users.get(id)?.data;
  }

  userIds(): string[] {
    return [...this.users.keys()];
  }

  get userCount(): number {
    return this.users.size;
  }

  setPhoto(id: string, bytes: Buffer, contentType = 'image/jpeg'): void {
    this.mustUser(id);
    // Like Exchange, the etag changes with the content; delta does not report photo changes.
    this.photos.set(id, { bytes, contentType, etag: `W/"${createHash('sha256').update(bytes).digest('hex').slice(0, 32)}"` });
  }

  // ---- groups ----

  addGroup(displayName: string, members: readonly string[] = [], description: string | null = null): string {
    const id = randomUUID();
    this.groups.set(id, { id, displayName, description, members: new Set(), memberChanges: new Map(), changedAt: ++this.version });
    for (const m of members) this.addMember(id, m);
    return id;
  }

  addMember(groupId: string, memberId: string): void {
    const g = this.mustGroup(groupId);
    if (!this.users.has(memberId) && !this.groups.has(memberId)) throw new Error(`no user or group ${memberId}`);
    g.members.add(memberId);
    g.memberChanges.set(memberId, { at: ++this.version, removed: false });
  }

  removeMember(groupId: string, memberId: string): void {
    const g = this.mustGroup(groupId);
    if (!g.members.delete(memberId)) return;
    g.memberChanges.set(memberId, { at: ++this.version, removed: true });
  }

  group(id: string): GroupState | undefined {
    return this.groups.get(id);
  }

  groupList(): GroupState[] {
    return [...this.groups.values()];
  }

  /** Users that are members of the group directly or through nested groups. */
  transitiveUserIds(groupId: string): string[] {
    const seen = new Set<string>();
    const users: string[] = [];
    const walk = (gid: string) => {
      if (seen.has(gid)) return;
      seen.add(gid);
      for (const m of this.mustGroup(gid).members) {
        if (this.groups.has(m)) walk(m);
        else if (this.users.has(m) && !seen.has(m)) {
          seen.add(m);
          users.push(m);
        }
      }
    };
    walk(groupId);
    return users;
  }

  // ---- delta ----

  /** Makes every delta token issued so far invalid, as when the change-tracking state expires. */
  expireDeltaTokens(): void {
    this.oldestValidVersion = ++this.version;
  }

  /**
   * Users changed in the version window (since, upto]: created ones with `created`, updated ones
   * with the properties that changed, removed ones as `@removed`. Read from the change log, so a
   * round costs the number of changes, not the size of the tenant; the list of a window is kept
   * so every page of a round sees the same changes.
   */
  usersChangedSince(since: number, upto = this.version): Array<{ user: UserObject; created: boolean; changed: Set<string> } | { removedId: string; reason: string }> {
    const key = `${since}:${upto}`;
    const cached = this.rounds.get(key);
    if (cached) return cached;
    const out: Array<{ user: UserObject; created: boolean; changed: Set<string> } | { removedId: string; reason: string }> = [];
    // The first entry after `since` (binary search: versions only grow).
    let lo = 0;
    let hi = this.changeLog.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.changeLog[mid]!.at <= since) lo = mid + 1;
      else hi = mid;
    }
    const ids = new Set<string>();
    for (let i = lo; i < this.changeLog.length && this.changeLog[i]!.at <= upto; i++) ids.add(this.changeLog[i]!.id);
    for (const id of ids) {
      const u = this.users.get(id);
      if (u) {
        if (u.createdAt > since) out.push({ user: u.data, created: true, changed: new Set(Object.keys(u.data)) });
        else {
          const changed = new Set<string>();
          for (const [k, at] of u.changedAt) if (at > since) changed.add(k);
          if (changed.size > 0) out.push({ user: u.data, created: false, changed });
        }
        continue;
      }
      const r = this.removed.get(id);
      // Created and removed within the window: the client never knew it.
      if (r && r.at > since && r.createdAt <= since) out.push({ removedId: id, reason: r.reason });
    }
    this.rounds.set(key, out);
    if (this.rounds.size > 8) this.rounds.delete(this.rounds.keys().next().value!);
    return out;
  }

  groupMemberChangesSince(groupId: string, since: number): Array<{ id: string; removed: boolean }> {
    const g = this.mustGroup(groupId);
    return [...g.memberChanges].filter(([, c]) => c.at > since).map(([id, c]) => ({ id, removed: c.removed }));
  }

  private mustUser(id: string): UserState {
    const u = this.users.get(id);
    if (!u) throw new Error(`no user ${id}`);
    return u;
  }

  private mustGroup(id: string): GroupState {
    const g = this.groups.get(id);
    if (!g) throw new Error(`no group ${id}`);
    return g;
  }
}

const GIVEN = ['Ada', 'Grace', 'Alan', 'Katherine', 'Linus', 'Margaret', 'Tim', 'Barbara', 'Dennis', 'Frances', 'Ken', 'Radia', 'John', 'Hedy', 'Edsger', 'Anita', 'Donald', 'Sophie', 'Niklaus', 'Joan'];
const FAMILY = ['Lovelace', 'Hopper', 'Turing', 'Johnson', 'Torvalds', 'Hamilton', 'Berners-Lee', 'Liskov', 'Ritchie', 'Allen', 'Thompson', 'Perlman', 'Backus', 'Lamarr', 'Dijkstra', 'Borg', 'Knuth', 'Wilson', 'Wirth', 'Clarke'];
const DEPARTMENTS = ['Engineering', 'Sales', 'Finance', 'Operations', 'People', 'Legal', 'Support', 'Research'];
const TITLES = ['Engineer', 'Analyst', 'Manager', 'Coordinator', 'Director', 'Specialist', 'Associate', 'Lead'];
const CITIES = ['London', 'Dublin', 'Berlin', 'Toronto', 'Sydney', 'Austin'];

/** A plausible, deterministic user for index `i`. */
export function sampleUser(i: number, domain: string): UserObject {
  const given = GIVEN[i % GIVEN.length]!;
  const family = FAMILY[Math.floor(i / GIVEN.length) % FAMILY.length]!;
  const nick = `${given}.${family}${i}`.toLowerCase().replace(/[^a-z0-9.]/g, '');
  return {
    id: randomUUID(),
    displayName: `${given} ${family}`,
    givenName: given,
    surname: family,
    mail: `${nick}@${domain}`,
    userPrincipalName: `${nick}@${domain}`,
    mailNickname: nick,
    employeeId: `E${String(100000 + i)}`,
    employeeType: i % 10 === 9 ? 'Contractor' : 'Employee',
    jobTitle: TITLES[i % TITLES.length],
    department: DEPARTMENTS[i % DEPARTMENTS.length],
    officeLocation: `${CITIES[i % CITIES.length]} ${1 + (i % 5)}F`,
    city: CITIES[i % CITIES.length],
    country: 'GB',
    companyName: 'Contoso',
    mobilePhone: `+44 7700 ${String(900000 + (i % 100000)).slice(-6)}`,
    businessPhones: [`+44 20 7946 ${String(i % 10000).padStart(4, '0')}`],
    accountEnabled: true,
    usageLocation: 'GB',
    preferredLanguage: 'en-GB',
    userType: 'Member',
    onPremisesExtensionAttributes: Object.fromEntries(Array.from({ length: 15 }, (_, k) => [`extensionAttribute${k + 1}`, k === 0 ? `Badge-${i}` : null])),
  };
}
