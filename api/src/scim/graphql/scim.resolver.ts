import { Arg, Ctx, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { Context } from '../../graphql/context.js';
import { signedIn } from '../../graphql/context.js';
import { scimBasePath, type ScimConnectionView, type ScimConnectionsService } from '../scim-connections.service.js';
import { SCIM_ATTRIBUTES } from '../catalogue.js';
import type { ProvisioningLog } from '../provisioning-log.js';
import { ProvisioningLogConnectionType, ProvisioningLogEntryType, ProvisioningOperationEnum } from './provisioning.types.js';
import type { ProvisioningEvent } from '../../events/event-bus.js';
import { eventStream } from '../../events/event-stream.js';
import { errors } from '../../shared/errors.js';
import { isUuid } from '../../shared/ids.js';
import { clampPageSize } from '../../shared/pagination.js';
import {
  GeneratedScimTokenType,
  ScimAttributeType,
  ScimConnectionType,
  ScimMappingInput,
  ScimTokenType,
  ScimUniqueIdentifierEnum,
} from './scim.types.js';

/** SCIM provisioning of lists: connect, mappings, bearer tokens. */
@Resolver()
export class ScimResolver {
  constructor(
    private readonly scim: ScimConnectionsService,
    private readonly log: ProvisioningLog,
  ) {}

  @Query(() => ProvisioningLogConnectionType, { description: "A list's provisioning log: every SCIM request, newest first, with filters." })
  async provisioningLog(
    @Arg('listId', () => ID, { description: 'List id.' }) listId: string,
    @Arg('operation', () => ProvisioningOperationEnum, { nullable: true, description: 'Only this operation.' }) operation: ProvisioningOperationEnum | null,
    @Arg('personId', () => ID, { nullable: true, description: 'Only requests about this person.' }) personId: string | null,
    @Arg('method', () => String, { nullable: true, description: 'Only this HTTP method (GET, POST, PUT, PATCH, DELETE).' }) method: string | null,
    @Arg('errorsOnly', () => Boolean, { nullable: true, description: 'Only failed requests (status 400 and above).' }) errorsOnly: boolean | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 50, description: 'Page size, at most 500.' }) first: number,
    @Arg('after', () => String, { nullable: true, description: 'Cursor from the previous page.' }) after: string | null,
    @Ctx() ctx: Context,
  ): Promise<ProvisioningLogConnectionType> {
    const viewer = signedIn(ctx);
    if (!isUuid(listId) || !(await ctx.loaders.list.load(listId))) throw errors.notFound('Master list', listId);
    if (personId && !isUuid(personId)) throw errors.notFound('Person', personId);
    const page = await this.log.page(ctx.em, viewer.organizationId, listId, { operation, personId, method, errorsOnly }, clampPageSize(first, 50, 500), after);
    return { edges: page.entries, pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor } };
  }

  @Subscription(() => ProvisioningLogEntryType, {
    description: 'SCIM requests of a list as they are logged, from every server process.',
    subscribe: async ({ args, context }) => {
      const ctx = context as Context;
      const viewer = signedIn(ctx);
      const listId = String(args.listId);
      if (!isUuid(listId) || !(await ctx.loaders.list.load(listId))) throw errors.notFound('Master list', listId);
      return eventStream(ctx.bus, (e) => e.type === 'provisioning.logged' && e.organizationId === viewer.organizationId && e.listId === listId);
    },
  })
  async provisioningLogged(
    @Root() event: ProvisioningEvent,
    @Arg('listId', () => ID, { description: 'List id.' }) _listId: string,
    @Ctx() ctx: Context,
  ): Promise<ProvisioningLogEntryType> {
    const entry = await this.log.get(ctx.em.fork(), event.organizationId, event.entryId);
    if (!entry) throw errors.notFound('Provisioning log entry', event.entryId);
    return entry;
  }

  @Mutation(() => ScimConnectionType, {
    description: 'Connects a list to SCIM provisioning with the chosen UID; creates the 9 default fields and mappings when missing. CONFLICT when another provider syncs the list. Admins only.',
  })
  async connectScim(
    @Arg('listId', () => ID, { description: 'List id.' }) listId: string,
    @Arg('uniqueIdentifier', () => ScimUniqueIdentifierEnum, { description: 'The visible UID of provisioned people.' }) uniqueIdentifier: ScimUniqueIdentifierEnum,
    @Ctx() ctx: Context,
  ): Promise<ScimConnectionType> {
    return this.view(ctx, await this.scim.connect(ctx.em, signedIn(ctx), listId, uniqueIdentifier));
  }

  @Query(() => ScimConnectionType, { description: "A list's SCIM connection (connected false when SCIM does not sync it)." })
  async scimConnection(@Arg('listId', () => ID, { description: 'List id.' }) listId: string, @Ctx() ctx: Context): Promise<ScimConnectionType> {
    return this.view(ctx, await this.scim.connection(ctx.em, signedIn(ctx), listId));
  }

  @Query(() => [ScimAttributeType], { description: 'The SCIM attributes the mapping editor offers, by category.' })
  scimAttributes(@Ctx() ctx: Context): ScimAttributeType[] {
    signedIn(ctx);
    return [...SCIM_ATTRIBUTES];
  }

  @Mutation(() => ScimConnectionType, { description: "Replaces the list's SCIM mappings; the UID field must stay mapped. Admins only." })
  async setScimMappings(
    @Arg('listId', () => ID, { description: 'List id.' }) listId: string,
    @Arg('mappings', () => [ScimMappingInput], { description: 'Every mapping that stays on.' }) mappings: ScimMappingInput[],
    @Ctx() ctx: Context,
  ): Promise<ScimConnectionType> {
    return this.view(ctx, await this.scim.setMappings(ctx.em, signedIn(ctx), listId, mappings));
  }

  @Mutation(() => GeneratedScimTokenType, { description: 'Generates a bearer token for the list’s SCIM service; returned once with the base URL. Admins only.' })
  async generateScimToken(@Arg('listId', () => ID, { description: 'List id.' }) listId: string, @Ctx() ctx: Context): Promise<GeneratedScimTokenType> {
    const { token, record } = await this.scim.generateToken(ctx.em, signedIn(ctx), listId);
    return { token, baseUrl: this.baseUrl(ctx, record.listId), scimToken: record };
  }

  @Mutation(() => ScimTokenType, { description: 'Revokes a SCIM token: requests with it get 401 from now on. Admins only.' })
  async revokeScimToken(@Arg('id', () => ID, { description: 'Token id.' }) id: string, @Ctx() ctx: Context): Promise<ScimTokenType> {
    return this.scim.revokeToken(ctx.em, signedIn(ctx), id);
  }

  @Query(() => [ScimTokenType], { description: "A list's SCIM tokens, newest first, revoked ones included." })
  async scimTokens(@Arg('listId', () => ID, { description: 'List id.' }) listId: string, @Ctx() ctx: Context): Promise<ScimTokenType[]> {
    return this.scim.tokens(ctx.em, signedIn(ctx), listId);
  }

  private baseUrl(ctx: Context, listId: string): string {
    return `${ctx.origin ?? ''}${scimBasePath(listId)}`;
  }

  private view(ctx: Context, v: ScimConnectionView): ScimConnectionType {
    return { listId: v.listId, connected: v.connected, uniqueIdentifier: v.uniqueIdentifier, baseUrl: `${ctx.origin ?? ''}${v.basePath}`, mappings: v.mappings };
  }
}
