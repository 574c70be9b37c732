import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../graphql/context.js';
import { signedIn } from '../../graphql/context.js';
import type { ListsService } from '../lists.service.js';
import { CreateMasterListInput, FieldInput, FieldType, MasterListType, UpdateFieldInput } from './lists.types.js';

/** Master lists and their schema. */
@Resolver(() => MasterListType)
export class ListsResolver {
  constructor(private readonly lists: ListsService) {}

  @Query(() => [MasterListType], { description: "The organisation's master lists, by name." })
  async masterLists(
    @Arg('includeArchived', () => Boolean, { defaultValue: false, description: 'Include archived lists.' }) includeArchived: boolean,
    @Ctx() ctx: Context,
  ): Promise<MasterListType[]> {
    return this.lists.lists(ctx.em, signedIn(ctx), includeArchived);
  }

  @Query(() => MasterListType, { description: 'One master list.' })
  async masterList(@Arg('id', () => ID, { description: 'List id.' }) id: string, @Ctx() ctx: Context): Promise<MasterListType> {
    return this.lists.list(ctx.em, signedIn(ctx), id);
  }

  @FieldResolver(() => Boolean, { description: 'Archived lists are hidden from the index; their people and history stay.' })
  archived(@Root() list: MasterListType): boolean {
    return list.archivedAt !== null;
  }

  @FieldResolver(() => [FieldType], { description: 'The schema, in display order.' })
  async fields(@Root() list: MasterListType, @Ctx() ctx: Context): Promise<FieldType[]> {
    return ctx.loaders.fields.load(list.id);
  }

  @FieldResolver(() => FieldType, { description: 'The field that uniquely identifies each person.' })
  async uidField(@Root() list: MasterListType, @Ctx() ctx: Context): Promise<FieldType> {
    const fields = await ctx.loaders.fields.load(list.id);
    return fields.find((f) => f.id === list.uidFieldId)!;
  }

  @FieldResolver(() => Int, { description: 'Number of active people.' })
  async activeCount(@Root() list: MasterListType, @Ctx() ctx: Context): Promise<number> {
    return (await ctx.loaders.counts.load(list.id)).active;
  }

  @FieldResolver(() => Int, { description: 'Number of inactive people.' })
  async inactiveCount(@Root() list: MasterListType, @Ctx() ctx: Context): Promise<number> {
    return (await ctx.loaders.counts.load(list.id)).inactive;
  }

  @Mutation(() => MasterListType, { description: 'Creates a master list with its UID field.' })
  async createMasterList(
    @Arg('input', () => CreateMasterListInput, { description: 'The list.' }) input: CreateMasterListInput,
    @Ctx() ctx: Context,
  ): Promise<MasterListType> {
    return this.lists.createMasterList(ctx.em, signedIn(ctx), input);
  }

  @Mutation(() => MasterListType, { description: 'Renames a master list.' })
  async renameMasterList(
    @Arg('id', () => ID, { description: 'List id.' }) id: string,
    @Arg('name', () => String, { description: 'New name.' }) name: string,
    @Ctx() ctx: Context,
  ): Promise<MasterListType> {
    return this.lists.renameMasterList(ctx.em, signedIn(ctx), id, name);
  }

  @Mutation(() => MasterListType, { description: 'Archives a master list: hidden from the index, nothing deleted.' })
  async archiveMasterList(@Arg('id', () => ID, { description: 'List id.' }) id: string, @Ctx() ctx: Context): Promise<MasterListType> {
    return this.lists.setArchived(ctx.em, signedIn(ctx), id, true);
  }

  @Mutation(() => MasterListType, { description: 'Brings an archived master list back.' })
  async unarchiveMasterList(@Arg('id', () => ID, { description: 'List id.' }) id: string, @Ctx() ctx: Context): Promise<MasterListType> {
    return this.lists.setArchived(ctx.em, signedIn(ctx), id, false);
  }

  @Mutation(() => FieldType, { description: "Adds a field at the end of a list's schema." })
  async addField(
    @Arg('listId', () => ID, { description: 'List id.' }) listId: string,
    @Arg('input', () => FieldInput, { description: 'The field.' }) input: FieldInput,
    @Ctx() ctx: Context,
  ): Promise<FieldType> {
    return this.lists.addField(ctx.em, signedIn(ctx), listId, input);
  }

  @Mutation(() => FieldType, { description: "Changes a field's label, required flag or description." })
  async updateField(
    @Arg('id', () => ID, { description: 'Field id.' }) id: string,
    @Arg('input', () => UpdateFieldInput, { description: 'The changes.' }) input: UpdateFieldInput,
    @Ctx() ctx: Context,
  ): Promise<FieldType> {
    return this.lists.updateField(ctx.em, signedIn(ctx), id, input);
  }

  @Mutation(() => [FieldType], { description: 'Sets the display order of all fields of a list.' })
  async reorderFields(
    @Arg('listId', () => ID, { description: 'List id.' }) listId: string,
    @Arg('fieldIds', () => [ID], { description: 'Every field id of the list, in the new order.' }) fieldIds: string[],
    @Ctx() ctx: Context,
  ): Promise<FieldType[]> {
    return this.lists.reorderFields(ctx.em, signedIn(ctx), listId, fieldIds);
  }

  @Mutation(() => Boolean, { description: 'Removes a field and its values. Refused for the UID field and while a sync mapping uses it.' })
  async removeField(@Arg('id', () => ID, { description: 'Field id.' }) id: string, @Ctx() ctx: Context): Promise<boolean> {
    await this.lists.removeField(ctx.em, signedIn(ctx), id);
    return true;
  }

  @Mutation(() => MasterListType, { description: 'Makes another field the UID; every person needs a distinct value in it.' })
  async setUidField(
    @Arg('listId', () => ID, { description: 'List id.' }) listId: string,
    @Arg('fieldId', () => ID, { description: 'The new UID field.' }) fieldId: string,
    @Ctx() ctx: Context,
  ): Promise<MasterListType> {
    return this.lists.setUidField(ctx.em, signedIn(ctx), listId, fieldId);
  }
}

/** Computed properties of a field. */
@Resolver(() => FieldType)
export class FieldResolverClass {
  @FieldResolver(() => Boolean, { description: "Whether this is the list's UID field." })
  async isUid(@Root() field: FieldType, @Ctx() ctx: Context): Promise<boolean> {
    const list = await ctx.loaders.list.load(field.listId);
    return list?.uidFieldId === field.id;
  }

  @FieldResolver(() => Boolean, { description: "Whether the list's sync provider owns this field, so it cannot be edited by hand." })
  async locked(@Root() field: FieldType, @Ctx() ctx: Context): Promise<boolean> {
    return (await ctx.loaders.lockedFields.load(field.listId)).has(field.key);
  }

  @FieldResolver(() => String, { nullable: true, description: 'The provider that owns this field, when locked.' })
  async lockedBy(@Root() field: FieldType, @Ctx() ctx: Context): Promise<string | null> {
    return (await ctx.loaders.lockedFields.load(field.listId)).get(field.key) ?? null;
  }
}
