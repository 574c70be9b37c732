import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { MasterListType } from '../../../lists/graphql/lists.types.js';
import type { Context } from '../../../graphql/context.js';
import { signedIn } from '../../../graphql/context.js';
import type { EntraConnectionsService } from '../entra-connections.service.js';
import { CreateEntraConnectionInput, EntraConnectionType, UpdateEntraConnectionInput } from './entra.types.js';

/** Directory integrations: Entra ID connections. */
@Resolver(() => EntraConnectionType)
export class EntraResolver {
  constructor(private readonly connections: EntraConnectionsService) {}

  @FieldResolver(() => [MasterListType], { description: 'The master lists that sync from this connection, by name.' })
  async lists(@Root() connection: EntraConnectionType, @Ctx() ctx: Context): Promise<MasterListType[]> {
    return this.connections.listsUsing(ctx.em, signedIn(ctx), connection.id);
  }

  @Query(() => [EntraConnectionType], { description: "The organisation's Entra ID connections, by name." })
  async entraConnections(@Ctx() ctx: Context): Promise<EntraConnectionType[]> {
    return this.connections.list(ctx.em, signedIn(ctx));
  }

  @Query(() => EntraConnectionType, { description: 'One Entra ID connection.' })
  async entraConnection(@Arg('id', () => ID, { description: 'Connection id.' }) id: string, @Ctx() ctx: Context): Promise<EntraConnectionType> {
    return this.connections.get(ctx.em, signedIn(ctx), id);
  }

  @Mutation(() => EntraConnectionType, { description: 'Adds an Entra ID connection. The client secret is encrypted at rest and never returned.' })
  async createEntraConnection(
    @Arg('input', () => CreateEntraConnectionInput, { description: 'The connection.' }) input: CreateEntraConnectionInput,
    @Ctx() ctx: Context,
  ): Promise<EntraConnectionType> {
    return this.connections.create(ctx.em, signedIn(ctx), input);
  }

  @Mutation(() => EntraConnectionType, { description: 'Changes an Entra ID connection; the stored secret is kept unless a new one is given.' })
  async updateEntraConnection(
    @Arg('id', () => ID, { description: 'Connection id.' }) id: string,
    @Arg('input', () => UpdateEntraConnectionInput, { description: 'The changes.' }) input: UpdateEntraConnectionInput,
    @Ctx() ctx: Context,
  ): Promise<EntraConnectionType> {
    return this.connections.update(ctx.em, signedIn(ctx), id, input);
  }

  @Mutation(() => Boolean, { description: 'Removes an Entra ID connection and its stored secret.' })
  async removeEntraConnection(@Arg('id', () => ID, { description: 'Connection id.' }) id: string, @Ctx() ctx: Context): Promise<boolean> {
    await this.connections.remove(ctx.em, signedIn(ctx), id);
    return true;
  }
}
