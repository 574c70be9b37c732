import { Arg, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import type { Context } from '../../graphql/context.js';
import { signedIn } from '../../graphql/context.js';
import { errors } from '../../shared/errors.js';
import { isUuid } from '../../shared/ids.js';
import type { SyncRunsService } from '../sync-runs.service.js';
import { SyncRunType } from './sync.types.js';

/** Sync run history. */
@Resolver(() => SyncRunType)
export class SyncResolver {
  constructor(private readonly runs: SyncRunsService) {}

  @Query(() => SyncRunType, { description: 'One sync run.' })
  async syncRun(@Arg('id', () => ID, { description: 'Run id.' }) id: string, @Ctx() ctx: Context): Promise<SyncRunType> {
    return this.runs.get(ctx.em, signedIn(ctx), id);
  }

  @Query(() => [SyncRunType], { description: "A list's sync runs, newest first." })
  async syncRuns(
    @Arg('listId', () => ID, { description: 'List id.' }) listId: string,
    @Arg('first', () => Int, { defaultValue: 20, description: 'How many runs, at most 200.' }) first: number,
    @Ctx() ctx: Context,
  ): Promise<SyncRunType[]> {
    const viewer = signedIn(ctx);
    if (!isUuid(listId) || !(await ctx.loaders.list.load(listId))) throw errors.notFound('Master list', listId);
    return this.runs.list(ctx.em, viewer, listId, first);
  }
}
