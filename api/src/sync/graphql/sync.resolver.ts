import { Arg, Ctx, ID, Int, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { Context } from '../../graphql/context.js';
import { signedIn } from '../../graphql/context.js';
import { errors } from '../../shared/errors.js';
import { isUuid } from '../../shared/ids.js';
import { SyncRunsService, type SyncRunView } from '../sync-runs.service.js';
import { eventStream } from '../../events/event-stream.js';
import { SyncRunType } from './sync.types.js';

const FINAL = new Set(['SUCCEEDED', 'FAILED', 'HALTED', 'CANCELLED']);
// Subscription options are static, so the stream reads runs through its own (stateless) reader.
const reader = new SyncRunsService();

/** Sync run history and live progress. */
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

  @Subscription(() => SyncRunType, {
    description: "A run's state now, then again whenever it moves on (at least once a second while it works), ending when it finishes.",
    subscribe: async ({ args, context }) => {
      const ctx = context as Context;
      const viewer = signedIn(ctx);
      const runId = String(args.runId);
      // Listen first, then read: an update between the two is not lost.
      const events = eventStream(ctx.bus, (e) => e.type === 'sync_run.progress' && e.runId === runId && e.organizationId === viewer.organizationId);
      let first: SyncRunView;
      try {
        first = await reader.get(ctx.em.fork(), viewer, runId);
      } catch (err) {
        await events.return?.();
        throw err;
      }
      return (async function* () {
        try {
          yield first;
          if (FINAL.has(first.status)) return;
          for await (const _ of events) {
            const run = await reader.get(ctx.em.fork(), viewer, runId);
            yield run;
            if (FINAL.has(run.status)) return;
          }
        } finally {
          await events.return?.();
        }
      })();
    },
  })
  syncRunProgress(@Root() run: SyncRunView, @Arg('runId', () => ID, { description: 'Run id.' }) _runId: string): SyncRunType {
    return run;
  }
}
