import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../../../graphql/context.js';
import { signedIn } from '../../../graphql/context.js';
import type { EntraSyncService, ListSyncView } from '../entra-sync.service.js';
import type { SyncRunsService } from '../../sync-runs.service.js';
import { SyncRunModeEnum, SyncRunType } from '../../graphql/sync.types.js';
import type { FieldType } from '../../../lists/graphql/lists.types.js';
import {
  ConfigureEntraSyncInput,
  EntraConnectionTestType,
  EntraGroupType,
  EntraSourceFieldType,
  ListSyncStatusType,
} from './entra-sync.types.js';

/** Entra ID sync of lists: connection tests, groups, source fields, configuration and runs. */
@Resolver()
export class EntraSyncResolver {
  constructor(
    private readonly sync: EntraSyncService,
    private readonly runs: SyncRunsService,
  ) {}

  @Mutation(() => EntraConnectionTestType, { description: 'Acquires a token and counts users and groups; says which credential or permission to fix when that fails. Admins only.' })
  async testEntraConnection(@Arg('id', () => ID, { description: 'Connection id.' }) id: string, @Ctx() ctx: Context): Promise<EntraConnectionTestType> {
    return (await this.sync.test(ctx.em, signedIn(ctx), id)) as EntraConnectionTestType;
  }

  @Query(() => [EntraGroupType], { description: 'Groups of the directory whose name has words starting with the search (first 25), with member counts. Admins only.' })
  async entraGroups(
    @Arg('connectionId', () => ID, { description: 'Connection id.' }) connectionId: string,
    @Arg('search', () => String, { nullable: true, description: 'Start of a word of the group name.' }) search: string | null,
    @Ctx() ctx: Context,
  ): Promise<EntraGroupType[]> {
    return this.sync.groups(ctx.em, signedIn(ctx), connectionId, search ?? null);
  }

  @Query(() => [EntraSourceFieldType], { description: 'Source fields to map, by category, with sample values, suggestions and current mappings. Admins only.' })
  async entraSourceFields(
    @Arg('connectionId', () => ID, { description: 'Connection id.' }) connectionId: string,
    @Arg('listId', () => ID, { description: 'The list being mapped.' }) listId: string,
    @Arg('groupId', () => ID, { nullable: true, description: 'Take samples from this group’s members.' }) groupId: string | null,
    @Ctx() ctx: Context,
  ): Promise<EntraSourceFieldType[]> {
    return this.sync.sourceFields(ctx.em, signedIn(ctx), connectionId, listId, groupId ?? null);
  }

  @Mutation(() => ListSyncStatusType, { description: 'Connects a list to Entra ID or changes its sync: scope, mappings, UID, schedule, limits. Refused when another provider syncs the list. Admins only.' })
  async configureEntraSync(@Arg('input', () => ConfigureEntraSyncInput, { description: 'The configuration.' }) input: ConfigureEntraSyncInput, @Ctx() ctx: Context): Promise<ListSyncStatusType> {
    return this.view(ctx, await this.sync.configure(ctx.em, signedIn(ctx), input));
  }

  @Query(() => ListSyncStatusType, { description: "A list's sync status: provider, configuration, schedule and last run." })
  async listSync(@Arg('listId', () => ID, { description: 'List id.' }) listId: string, @Ctx() ctx: Context): Promise<ListSyncStatusType> {
    return this.view(ctx, await this.sync.status(ctx.em, signedIn(ctx), listId));
  }

  @Mutation(() => SyncRunType, { description: 'Queues a run of the list now and returns it (QUEUED); follow it with syncRunProgress. CONFLICT when a run is in progress. Admins only.' })
  async syncNow(
    @Arg('listId', () => ID, { description: 'List id.' }) listId: string,
    @Arg('mode', () => SyncRunModeEnum, { defaultValue: SyncRunModeEnum.DELTA, description: 'DELTA (a full read the first time), FULL or DRY_RUN.' }) mode: SyncRunModeEnum,
    @Ctx() ctx: Context,
  ): Promise<SyncRunType> {
    const viewer = signedIn(ctx);
    const id = await this.sync.syncNow(ctx.em, viewer, listId, mode);
    return this.runs.get(ctx.em.fork(), viewer, id);
  }

  private async view(ctx: Context, v: ListSyncView): Promise<ListSyncStatusType> {
    const viewer = signedIn(ctx);
    const [lastRun] = await this.runs.list(ctx.em, viewer, v.listId, 1);
    const listFields = await ctx.loaders.fields.load(v.listId);
    const fields = v.mappings.map((m) => listFields.find((f) => f.id === m.fieldId));
    return {
      listId: v.listId,
      provider: v.provider,
      connection: v.connection,
      scope: v.scope,
      mappings: v.mappings.map((m, i) => ({ sourceAttribute: m.sourceAttribute, transform: m.transform, field: fields[i] as FieldType })),
      intervalMinutes: v.intervalMinutes,
      nextRunAt: v.nextRunAt,
      lastRun: lastRun ?? null,
      deactivationLimitPercent: v.deactivationLimitPercent,
      deactivationLimitCount: v.deactivationLimitCount,
    };
  }
}
