import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import type { Context } from '../../graphql/context.js';
import { signedIn } from '../../graphql/context.js';
import { MasterListType } from '../../lists/graphql/lists.types.js';
import type { MasterList } from '../../lists/list.entities.js';
import type { ListSyncService } from '../list-sync.service.js';
import type { AutoApproveKind } from '../engine/safety.js';
import { AutoApproveKindEnum } from './sync.types.js';


/** The list setting "review directory changes before applying". */
@Resolver(() => MasterListType)
export class SyncReviewResolver {
  constructor(private readonly listSync: ListSyncService) {}

  @FieldResolver(() => Boolean, { description: "Whether every sync run's changes are held for review, except the kinds in autoApprove." })
  reviewSyncChanges(@Root() list: MasterListType): boolean {
    return (list as unknown as MasterList).reviewSyncChanges ?? false;
  }

  @FieldResolver(() => [AutoApproveKindEnum], { description: 'Kinds of change applied without review when reviewSyncChanges is on.' })
  autoApprove(@Root() list: MasterListType): string[] {
    return (list as unknown as MasterList).autoApprove ?? [];
  }

  @Mutation(() => MasterListType, {
    description: 'Sets "review directory changes before applying": when on, a sync run with any kind of change not auto-approved halts with its plan kept for approval (approveSyncRun), like a run over the deactivation limit.',
  })
  async setSyncReviewPolicy(
    @Arg('listId', () => ID, { description: 'List id.' }) listId: string,
    @Arg('reviewSyncChanges', () => Boolean, { description: 'Hold sync runs for review.' }) review: boolean,
    @Arg('autoApprove', () => [AutoApproveKindEnum], { description: 'Kinds of change applied without review, e.g. CREATES and UPDATES.' }) autoApprove: AutoApproveKind[],
    @Ctx() ctx: Context,
  ): Promise<MasterListType> {
    return (await this.listSync.setReviewPolicy(ctx.em, signedIn(ctx), listId, review, autoApprove)) as unknown as MasterListType;
  }
}
