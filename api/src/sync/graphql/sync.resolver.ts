import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { Context } from '../../graphql/context.js';
import { signedIn } from '../../graphql/context.js';
import { errors } from '../../shared/errors.js';
import { isUuid } from '../../shared/ids.js';
import { SyncRunsService, type SyncRunView } from '../sync-runs.service.js';
import { eventStream } from '../../events/event-stream.js';
import { SyncRunPreviewType, SyncRunRejectionsInput, SyncRunType } from './sync.types.js';
import type { SyncRunner } from '../engine/runner.js';
import type { ListSyncService } from '../list-sync.service.js';
import { MasterListType } from '../../lists/graphql/lists.types.js';
import { requireRole } from '../../auth/viewer.js';

const FINAL = new Set(['SUCCEEDED', 'FAILED', 'HALTED', 'CANCELLED']);
// Subscription options are static, so the stream reads runs through its own (stateless) reader.
const reader = new SyncRunsService();

/** Sync run history and live progress. */
@Resolver(() => SyncRunType)
export class SyncResolver {
  constructor(
    private readonly runs: SyncRunsService,
    private readonly runner: SyncRunner,
    private readonly listSync: ListSyncService,
  ) {}

  @Mutation(() => MasterListType, {
    description: "Disconnects the list's sync provider: every person is kept and the provider's fields unlock. Refused while a run is active.",
  })
  async disconnectSync(@Arg('listId', () => ID, { description: 'List id.' }) listId: string, @Ctx() ctx: Context): Promise<MasterListType> {
    return this.listSync.disconnect(ctx.em, signedIn(ctx), listId);
  }

  @FieldResolver(() => SyncRunPreviewType, {
    nullable: true,
    description: 'For a halted or dry run: the first planned changes of each kind, to review before approving. Null when no plan was kept.',
  })
  async preview(
    @Root() run: SyncRunType,
    @Arg('first', () => Int, { defaultValue: 20, description: 'How many changes of each kind, at most 500.' }) first: number,
    @Ctx() ctx: Context,
  ): Promise<SyncRunPreviewType | null> {
    const p = await this.runs.preview(ctx.em, signedIn(ctx).organizationId, run.id, first);
    if (!p) return null;
    return {
      creates: p.creates.map((c) => ({ uid: c.uid, personId: null, values: c.values, changes: [], reason: null })),
      updates: p.updates.map((u) => ({ uid: u.uid, personId: u.personId, values: null, changes: u.changes, reason: null })),
      deactivations: p.deactivations.map((d) => ({ uid: d.uid, personId: d.personId, values: d.values ?? null, changes: [], reason: d.reason })),
      reactivations: p.reactivations.map((d) => ({ uid: d.uid, personId: d.personId, values: d.values ?? null, changes: [], reason: d.reason })),
    };
  }

  @Mutation(() => SyncRunType, {
    description: 'Applies the plan of a held run (a safety limit or the review setting), as reviewed: everything, or everything but the rejected kinds and changes. Admins only.',
  })
  async approveSyncRun(
    @Arg('id', () => ID, { description: 'Run id.' }) id: string,
    @Arg('reject', () => SyncRunRejectionsInput, { nullable: true, description: 'Kinds and single changes not to apply; omitted: approve the whole plan.' }) reject: SyncRunRejectionsInput | null,
    @Ctx() ctx: Context,
  ): Promise<SyncRunType> {
    const viewer = requireRole(signedIn(ctx), 'ADMIN');
    if ((reject?.changes.length ?? 0) > 10_000) throw errors.badInput('Reject at most 10,000 single changes at once; reject whole kinds instead.', 'reject');
    await this.runs.get(ctx.em, viewer, id);
    await this.runner.approve(viewer.organizationId, id, viewer.actor, { kinds: reject?.kinds ?? [], changes: reject?.changes ?? [] });
    return this.runs.get(ctx.em.fork(), viewer, id);
  }

  @Mutation(() => SyncRunType, { description: 'Cancels a run halted by a safety limit (its plan is discarded and nothing is written) or a queued run that has not started. Admins only.' })
  async cancelSyncRun(@Arg('id', () => ID, { description: 'Run id.' }) id: string, @Ctx() ctx: Context): Promise<SyncRunType> {
    const viewer = requireRole(signedIn(ctx), 'ADMIN');
    await this.runs.get(ctx.em, viewer, id);
    await this.runner.cancel(viewer.organizationId, id, viewer.actor);
    return this.runs.get(ctx.em.fork(), viewer, id);
  }

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
