import { Arg, Ctx, FieldResolver, ID, Info, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import type { Context } from '../../graphql/context.js';
import { signedIn } from '../../graphql/context.js';
import type { PeopleService } from '../people.service.js';
import type { AuditService } from '../../audit/audit.service.js';
import type { PersonEvent } from '../../events/event-bus.js';
import { eventStream } from '../../events/event-stream.js';
import { errors } from '../../shared/errors.js';
import { isUuid } from '../../shared/ids.js';
import { PersonSchema } from '../person.entity.js';
import { JSONObjectScalar } from '../../graphql/scalars.js';
import { AuditEntryType } from '../../audit/graphql/audit.types.js';
import {
  FieldFilterInput,
  PersonChangedEventType,
  PersonChangeKindEnum,
  PersonConnectionType,
  PersonSortInput,
  PersonStatusFilterEnum,
  PersonType,
} from './people.types.js';

const KIND: Record<PersonEvent['type'], PersonChangeKindEnum> = {
  'person.created': PersonChangeKindEnum.CREATED,
  'person.updated': PersonChangeKindEnum.UPDATED,
  'person.deactivated': PersonChangeKindEnum.DEACTIVATED,
  'person.reactivated': PersonChangeKindEnum.REACTIVATED,
  'person.erased': PersonChangeKindEnum.ERASED,
};

/** People: listing, editing, status, and live changes. */
@Resolver(() => PersonType)
export class PeopleResolver {
  constructor(
    private readonly peopleService: PeopleService,
    private readonly audit: AuditService,
  ) {}

  @Query(() => PersonConnectionType, { description: 'A page of the people of a list (keyset-paginated), with the total matching.' })
  async people(
    @Arg('listId', () => ID, { description: 'List id.' }) listId: string,
    @Arg('first', () => Int, { nullable: true, defaultValue: 50, description: 'Page size, at most 500.' }) first: number,
    @Arg('after', () => String, { nullable: true, description: 'Cursor from the previous page.' }) after: string | null,
    @Arg('status', () => PersonStatusFilterEnum, { nullable: true, defaultValue: PersonStatusFilterEnum.ACTIVE, description: 'Which people to include.' })
    status: PersonStatusFilterEnum,
    @Arg('search', () => String, { nullable: true, description: 'Text to find in the UID or any value (case-insensitive).' }) search: string | null,
    @Arg('sort', () => PersonSortInput, { nullable: true, description: 'Sort order; by UID when omitted.' }) sort: PersonSortInput | null,
    @Arg('filters', () => [FieldFilterInput], { nullable: true, description: 'Conditions on field values; all must hold.' })
    filters: FieldFilterInput[] | null,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<PersonConnectionType> {
    // count(*) over a large list costs more than the page itself: only when totalCount is selected.
    const withCount = info.fieldNodes.some((node) =>
      node.selectionSet?.selections.some((s) => s.kind !== 'Field' || s.name.value === 'totalCount'),
    );
    const page = await this.peopleService.page(ctx.em, signedIn(ctx), listId, { first, after, status, search, sort, filters, withCount });
    return {
      edges: page.people.map((node, i) => ({ node: node as PersonType, cursor: page.cursors[i]! })),
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
      totalCount: page.totalCount ?? 0,
    };
  }

  @Query(() => PersonType, { description: 'One person.' })
  async person(@Arg('id', () => ID, { description: 'Person id.' }) id: string, @Ctx() ctx: Context): Promise<PersonType> {
    return (await this.peopleService.person(ctx.em, signedIn(ctx), id)) as PersonType;
  }

  @FieldResolver(() => [String], { description: "Keys of this person's fields owned by the list's sync provider." })
  async lockedFields(@Root() person: PersonType, @Ctx() ctx: Context): Promise<string[]> {
    return [...(await ctx.loaders.lockedFields.load(person.listId)).keys()];
  }

  @FieldResolver(() => [AuditEntryType], { description: 'Changes to this person, newest first.' })
  async auditTrail(
    @Root() person: PersonType,
    @Arg('first', () => Int, { nullable: true, defaultValue: 50, description: 'How many entries, at most 500.' }) first: number,
    @Ctx() ctx: Context,
  ): Promise<AuditEntryType[]> {
    const viewer = signedIn(ctx);
    return (await this.audit.list(ctx.em, viewer.organizationId, { personId: person.id }, first, null)).entries;
  }

  @Mutation(() => PersonType, { description: 'Adds a person to a list. Values are validated against the field types; the UID must be unique.' })
  async createPerson(
    @Arg('listId', () => ID, { description: 'List id.' }) listId: string,
    @Arg('values', () => JSONObjectScalar, { description: 'Field values keyed by field key.' }) values: Record<string, unknown>,
    @Ctx() ctx: Context,
  ): Promise<PersonType> {
    return (await this.peopleService.create(ctx.em, signedIn(ctx), listId, values)) as PersonType;
  }

  @Mutation(() => PersonType, { description: 'Changes the given field values only; null or an empty string clears one. Locked fields are refused.' })
  async updatePerson(
    @Arg('id', () => ID, { description: 'Person id.' }) id: string,
    @Arg('values', () => JSONObjectScalar, { description: 'Field values to change, keyed by field key.' }) values: Record<string, unknown>,
    @Ctx() ctx: Context,
  ): Promise<PersonType> {
    return (await this.peopleService.update(ctx.em, signedIn(ctx), id, values)) as PersonType;
  }

  @Mutation(() => PersonType, { description: 'Makes a person inactive. Nothing is deleted.' })
  async deactivatePerson(@Arg('id', () => ID, { description: 'Person id.' }) id: string, @Ctx() ctx: Context): Promise<PersonType> {
    return (await this.peopleService.setActive(ctx.em, signedIn(ctx), id, false)) as PersonType;
  }

  @Mutation(() => PersonType, { description: 'Makes an inactive person active again.' })
  async reactivatePerson(@Arg('id', () => ID, { description: 'Person id.' }) id: string, @Ctx() ctx: Context): Promise<PersonType> {
    return (await this.peopleService.setActive(ctx.em, signedIn(ctx), id, true)) as PersonType;
  }

  @Mutation(() => Boolean, { description: 'Permanently erases a person and the values in their history (privacy requests). Owners only; audited.' })
  async erasePerson(@Arg('id', () => ID, { description: 'Person id.' }) id: string, @Ctx() ctx: Context): Promise<boolean> {
    await this.peopleService.erase(ctx.em, signedIn(ctx), id);
    return true;
  }

  @Subscription(() => PersonChangedEventType, {
    description: 'Committed changes to the people of a list, from every server process.',
    subscribe: async ({ args, context }) => {
      const ctx = context as Context;
      const viewer = signedIn(ctx);
      const listId = String(args.listId);
      if (!isUuid(listId) || !(await ctx.loaders.list.load(listId))) throw errors.notFound('Master list', listId);
      return eventStream(ctx.bus, (e) => e.type.startsWith('person.') && e.organizationId === viewer.organizationId && e.listId === listId);
    },
  })
  async personChanged(
    @Root() event: PersonEvent,
    @Arg('listId', () => ID, { description: 'List id.' }) _listId: string,
    @Ctx() ctx: Context,
  ): Promise<PersonChangedEventType> {
    const person = event.type === 'person.erased' ? null : await ctx.em.fork().findOne(PersonSchema, { id: event.personId });
    return { listId: event.listId, personId: event.personId, kind: KIND[event.type], person: person as PersonType | null };
  }
}
