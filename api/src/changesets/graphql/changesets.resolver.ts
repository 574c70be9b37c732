import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { Context } from '../../graphql/context.js';
import { signedIn } from '../../graphql/context.js';
import { eventStream } from '../../events/event-stream.js';
import type { ChangesetEvent } from '../../events/event-bus.js';
import { errors } from '../../shared/errors.js';
import { isUuid } from '../../shared/ids.js';
import type { Change, Changeset, ChangesetCounts, ChangesetsService, ChangesetWriteResult } from '../changesets.service.js';
import type { ChangeKind, Decision } from '../classify.js';
import { ChangeDecisionEnum, ChangeKindEnum, ChangesetCountsType, ChangesetType, ChangesetWriteResultType, ChangeType } from './changesets.types.js';

/** Changesets: save a session to its list, review, apply, roll back, history, live decisions. */
@Resolver(() => ChangesetType)
export class ChangesetsResolver {
  constructor(private readonly service: ChangesetsService) {}

  @Query(() => ChangesetType, { description: 'One changeset.' })
  async changeset(@Arg('id', () => ID, { description: 'Changeset id.' }) id: string, @Ctx() ctx: Context): Promise<Changeset> {
    return this.service.changeset(ctx.em, signedIn(ctx), id);
  }

  @Query(() => [ChangesetType], { description: "A list's changesets, newest first: who saved, applied and rolled back what, and when." })
  async changesets(
    @Arg('listId', () => ID, { description: 'List id.' }) listId: string,
    @Arg('first', () => Int, { nullable: true, defaultValue: 50, description: 'How many, at most 500.' }) first: number,
    @Ctx() ctx: Context,
  ): Promise<Changeset[]> {
    return this.service.history(ctx.em, signedIn(ctx), listId, first);
  }

  @FieldResolver(() => [ChangeType], { description: 'Its changes, by person (UID) and field; only the given kinds when set.' })
  async changes(
    @Root() changeset: Changeset,
    @Arg('kinds', () => [ChangeKindEnum], { nullable: true, description: 'Kinds to include; all when omitted.' }) kinds: ChangeKind[] | null,
    @Ctx() ctx: Context,
  ): Promise<Change[]> {
    return this.service.changes(ctx.em, changeset.id, kinds);
  }

  @FieldResolver(() => ChangesetCountsType, { description: 'How many changes of each kind, decision and outcome.' })
  async counts(@Root() changeset: Changeset, @Ctx() ctx: Context): Promise<ChangesetCounts> {
    return this.service.counts(ctx.em, changeset.id);
  }

  @Mutation(() => ChangesetType, { description: "Save to master list: builds a changeset of the session's edits, each classified against the snapshot and the list now. A changeset of the session still in review is superseded." })
  async saveSessionToList(@Arg('sessionId', () => ID, { description: 'Session id.' }) sessionId: string, @Ctx() ctx: Context): Promise<Changeset> {
    return this.service.saveSession(ctx.em, signedIn(ctx), sessionId);
  }

  @Mutation(() => ChangesetType, { description: 'Records a decision on changes of a changeset in review. Clean: APPROVED or REJECTED; conflict: APPROVED (session value), KEEP_MASTER or SKIPPED; PENDING undoes.' })
  async decideChanges(
    @Arg('changesetId', () => ID, { description: 'Changeset id.' }) changesetId: string,
    @Arg('changeIds', () => [ID], { description: 'The changes.' }) changeIds: string[],
    @Arg('decision', () => ChangeDecisionEnum, { description: 'The decision.' }) decision: Decision,
    @Ctx() ctx: Context,
  ): Promise<Changeset> {
    return this.service.decide(ctx.em, signedIn(ctx), changesetId, changeIds, decision);
  }

  @Mutation(() => ChangesetType, { description: 'Approves every clean change still pending.' })
  async approveCleanChanges(@Arg('changesetId', () => ID, { description: 'Changeset id.' }) changesetId: string, @Ctx() ctx: Context): Promise<Changeset> {
    return this.service.approveClean(ctx.em, signedIn(ctx), changesetId);
  }

  @Mutation(() => ChangesetWriteResultType, { description: 'Writes the approved changes in one transaction (audited, announced). If the list changed after review, those changes return to review and nothing is written.' })
  async applyChangeset(@Arg('changesetId', () => ID, { description: 'Changeset id.' }) changesetId: string, @Ctx() ctx: Context): Promise<ChangesetWriteResult> {
    return this.service.apply(ctx.em, signedIn(ctx), changesetId);
  }

  @Mutation(() => ChangesetWriteResultType, { description: 'Restores the values an applied changeset replaced; fields changed again since are left as they are and counted as conflicts.' })
  async rollbackChangeset(@Arg('changesetId', () => ID, { description: 'Changeset id.' }) changesetId: string, @Ctx() ctx: Context): Promise<ChangesetWriteResult> {
    return this.service.rollback(ctx.em, signedIn(ctx), changesetId);
  }

  @Subscription(() => ChangesetType, {
    description: "A list's changesets as they are saved, decided, applied or rolled back, from every server process: reviewers see each other's decisions live.",
    subscribe: async ({ args, context }) => {
      const ctx = context as Context;
      const viewer = signedIn(ctx);
      const listId = String(args.listId);
      if (!isUuid(listId) || !(await ctx.loaders.list.load(listId))) throw errors.notFound('Master list', listId);
      return eventStream(ctx.bus, (e) => e.type === 'changeset.updated' && e.organizationId === viewer.organizationId && e.listId === listId);
    },
  })
  async changesetUpdated(
    @Root() event: ChangesetEvent,
    @Arg('listId', () => ID, { description: 'List id.' }) _listId: string,
    @Ctx() ctx: Context,
  ): Promise<Changeset> {
    return this.service.changeset(ctx.em.fork(), signedIn(ctx), event.changesetId);
  }
}
