import 'reflect-metadata';
import { buildSchema } from 'type-graphql';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { AuthResolver, ApiTokenResolver } from '../auth/graphql/auth.resolver.js';
import { ListsResolver, FieldResolverClass } from '../lists/graphql/lists.resolver.js';
import { PeopleResolver } from '../people/graphql/people.resolver.js';
import { AuditResolver } from '../audit/graphql/audit.resolver.js';
import { EntraResolver } from '../sync/entra/graphql/entra.resolver.js';
import { SyncResolver } from '../sync/graphql/sync.resolver.js';
import { EntraSyncResolver } from '../sync/entra/graphql/entra-sync.resolver.js';
import { ScimResolver } from '../scim/graphql/scim.resolver.js';
import type { ScimConnectionsService } from '../scim/scim-connections.service.js';
import type { ProvisioningLog } from '../scim/provisioning-log.js';
import { CsvImportResolver } from '../sync/csv/graphql/csv.resolver.js';
import type { CsvImportsService } from '../sync/csv/csv-imports.service.js';
import { SessionPersonResolver, SessionsResolver } from '../sessions/graphql/sessions.resolver.js';
import { ChangesetsResolver } from '../changesets/graphql/changesets.resolver.js';
import { SyncReviewResolver } from '../sync/graphql/sync-review.resolver.js';
import type { SessionsService } from '../sessions/sessions.service.js';
import type { ChangesetsService } from '../changesets/changesets.service.js';
import type { EntraSyncService } from '../sync/entra/entra-sync.service.js';
import type { SyncRunsService } from '../sync/sync-runs.service.js';
import type { SyncRunner } from '../sync/engine/runner.js';
import type { ListSyncService } from '../sync/list-sync.service.js';
import type { EntraConnectionsService } from '../sync/entra/entra-connections.service.js';
import type { AuthService } from '../auth/auth.service.js';
import type { LoginThrottle } from '../auth/login-throttle.js';
import type { ListsService } from '../lists/lists.service.js';
import type { PeopleService } from '../people/people.service.js';
import type { AuditService } from '../audit/audit.service.js';
import { AlertsResolver } from '../alerts/graphql/alerts.resolver.js';
import type { AlertsService } from '../alerts/alerts.service.js';

/** The services resolvers are constructed with. */
export interface ResolverDeps {
  auth: AuthService;
  throttle: LoginThrottle;
  lists: ListsService;
  people: PeopleService;
  audit: AuditService;
  entraConnections: EntraConnectionsService;
  entraSync: EntraSyncService;
  syncRuns: SyncRunsService;
  syncRunner: SyncRunner;
  listSync: ListSyncService;
  scimConnections: ScimConnectionsService;
  provisioningLog: ProvisioningLog;
  csvImports: CsvImportsService;
  sessions: SessionsService;
  changesets: ChangesetsService;
  alerts: AlertsService;
}

const resolvers = [AuthResolver, ApiTokenResolver, ListsResolver, FieldResolverClass, PeopleResolver, AuditResolver, EntraResolver, EntraSyncResolver, SyncResolver, ScimResolver, CsvImportResolver, SessionsResolver, SessionPersonResolver, ChangesetsResolver, SyncReviewResolver, AlertsResolver] as const;

/** Builds the executable schema with resolvers wired to the given services. */
export async function createSchema(deps: ResolverDeps): Promise<GraphQLSchema> {
  const instances = new Map<Function, unknown>([
    [AuthResolver, new AuthResolver(deps.auth, deps.throttle)],
    [ApiTokenResolver, new ApiTokenResolver()],
    [ListsResolver, new ListsResolver(deps.lists)],
    [FieldResolverClass, new FieldResolverClass()],
    [PeopleResolver, new PeopleResolver(deps.people, deps.audit)],
    [AuditResolver, new AuditResolver(deps.audit)],
    [EntraResolver, new EntraResolver(deps.entraConnections)],
    [EntraSyncResolver, new EntraSyncResolver(deps.entraSync, deps.syncRuns)],
    [SyncResolver, new SyncResolver(deps.syncRuns, deps.syncRunner, deps.listSync)],
    [ScimResolver, new ScimResolver(deps.scimConnections, deps.provisioningLog)],
    [CsvImportResolver, new CsvImportResolver(deps.csvImports, deps.syncRuns)],
    [SessionsResolver, new SessionsResolver(deps.sessions)],
    [SessionPersonResolver, new SessionPersonResolver(deps.sessions)],
    [ChangesetsResolver, new ChangesetsResolver(deps.changesets)],
    [SyncReviewResolver, new SyncReviewResolver(deps.listSync)],
    [AlertsResolver, new AlertsResolver(deps.alerts)],
  ]);
  const schema = await buildSchema({
    resolvers: [...resolvers],
    container: { get: (cls: Function) => instances.get(cls) },
    validate: false,
    // Subscriptions here bring their own event streams (`subscribe` option) from the EventBus;
    // type-graphql still insists on a PubSub, so it gets one that refuses topic subscriptions.
    pubSub: {
      publish: () => undefined,
      subscribe: () => {
        throw new Error('topic-based subscriptions are not used; subscribe through the EventBus');
      },
    },
  });
  // type-graphql has no option for the root types' descriptions.
  schema.getQueryType()!.description = 'Reads. Everything except setupStatus and viewer needs a signed-in caller.';
  schema.getMutationType()!.description = 'Changes. Viewers may only sign in and out and manage their own API tokens.';
  schema.getSubscriptionType()!.description = 'Live events over graphql-ws on /graphql, authenticated like HTTP.';
  return schema;
}

/** The schema as committed in schema/schema.graphql: sorted, so diffs show real changes only. */
export function printContract(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
