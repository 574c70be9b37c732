import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../../graphql/context.js';
import { signedIn } from '../../graphql/context.js';
import { scimBasePath, type ScimConnectionView, type ScimConnectionsService } from '../scim-connections.service.js';
import { SCIM_ATTRIBUTES } from '../catalogue.js';
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
  constructor(private readonly scim: ScimConnectionsService) {}

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
