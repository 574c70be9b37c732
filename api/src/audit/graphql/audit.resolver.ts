import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../graphql/context.js';
import { signedIn } from '../../graphql/context.js';
import type { AuditService } from '../audit.service.js';
import { isUuid } from '../../shared/ids.js';
import { errors } from '../../shared/errors.js';
import { ActorType, AuditConnectionType, AuditEntryType } from './audit.types.js';

/** The audit trail, per list and per person. */
@Resolver(() => AuditEntryType)
export class AuditResolver {
  constructor(private readonly audit: AuditService) {}

  @Query(() => AuditConnectionType, { description: 'Changes to a list (configuration and people), or to one person, newest first.' })
  async auditTrail(
    @Arg('listId', () => ID, { description: 'List id.' }) listId: string,
    @Arg('personId', () => ID, { nullable: true, description: 'Only changes to this person.' }) personId: string | null | undefined,
    @Arg('first', () => Int, { nullable: true, defaultValue: 50, description: 'Page size, at most 500.' }) first: number,
    @Arg('after', () => String, { nullable: true, description: 'Cursor from the previous page.' }) after: string | null,
    @Ctx() ctx: Context,
  ): Promise<AuditConnectionType> {
    const viewer = signedIn(ctx);
    if (!isUuid(listId) || !(await ctx.loaders.list.load(listId))) throw errors.notFound('Master list', listId);
    if (personId && !isUuid(personId)) throw errors.notFound('Person', personId);
    const page = await this.audit.list(ctx.em, viewer.organizationId, { listId, ...(personId ? { personId } : {}) }, first, after);
    return { edges: page.entries, pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor } };
  }

  @FieldResolver(() => ActorType, { description: 'Who or what made the change.' })
  actor(@Root() entry: AuditEntryType): ActorType {
    return { type: entry.actorType as ActorType['type'], id: entry.actorId, label: entry.actorLabel };
  }
}
