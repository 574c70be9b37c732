import DataLoader from 'dataloader';
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../graphql/context.js';
import { signedIn } from '../../graphql/context.js';
import { JSONObjectScalar } from '../../graphql/scalars.js';
import type { SessionsService, Session, SessionPerson } from '../sessions.service.js';
import { CreateSessionInput, SessionPersonPageType, SessionPersonType, SessionPhotoType, SessionType } from './sessions.types.js';

/** Sessions: snapshots of a list's people, their edits and photos. */
@Resolver(() => SessionType)
export class SessionsResolver {
  constructor(private readonly service: SessionsService) {}

  @Query(() => [SessionType], { description: "A list's sessions, newest first." })
  async sessions(@Arg('listId', () => ID, { description: 'List id.' }) listId: string, @Ctx() ctx: Context): Promise<Session[]> {
    return this.service.sessions(ctx.em, signedIn(ctx), listId);
  }

  @Query(() => SessionType, { description: 'One session.' })
  async session(@Arg('id', () => ID, { description: 'Session id.' }) id: string, @Ctx() ctx: Context): Promise<Session> {
    return this.service.session(ctx.em, signedIn(ctx), id);
  }

  @FieldResolver(() => SessionPersonPageType, { description: 'A page of its people in UID order.' })
  async people(
    @Root() session: Session,
    @Arg('first', () => Int, { nullable: true, defaultValue: 100, description: 'Page size, at most 500.' }) first: number,
    @Arg('after', () => String, { nullable: true, description: 'The last UID of the previous page.' }) after: string | null,
    @Arg('search', () => String, { nullable: true, description: 'Text to find in the UID or any session value.' }) search: string | null,
    @Ctx() ctx: Context,
  ): Promise<SessionPersonPageType> {
    return this.service.people(ctx.em, session, first, after, search);
  }

  @FieldResolver(() => SessionPersonType, { description: 'One person of the session.' })
  async person(@Root() session: Session, @Arg('personId', () => ID, { description: 'Person id.' }) personId: string, @Ctx() ctx: Context): Promise<SessionPerson> {
    return this.service.person(ctx.em, session, personId);
  }

  @Mutation(() => SessionType, { description: 'Creates a session: a snapshot of the people of a list that match the filter. The list is not changed.' })
  async createSession(@Arg('input', () => CreateSessionInput, { description: 'Name and filter.' }) input: CreateSessionInput, @Ctx() ctx: Context): Promise<Session> {
    return this.service.create(ctx.em, signedIn(ctx), input.listId, input.name, { status: input.status ?? 'ACTIVE', search: input.search ?? null, filters: input.filters ?? [] });
  }

  @Mutation(() => SessionPersonType, { description: "Edits the session's copy of a person (the given keys only; null or \"\" clears). The master list is not changed." })
  async updateSessionPerson(
    @Arg('sessionId', () => ID, { description: 'Session id.' }) sessionId: string,
    @Arg('personId', () => ID, { description: 'Person id.' }) personId: string,
    @Arg('values', () => JSONObjectScalar, { description: 'Field values keyed by field key.' }) values: Record<string, unknown>,
    @Ctx() ctx: Context,
  ): Promise<SessionPerson> {
    return this.service.editPerson(ctx.em, signedIn(ctx), sessionId, personId, values);
  }

  @Mutation(() => SessionPhotoType, { description: 'Uploads a photo for a person of a session (pending until approved). The list needs a photo field.' })
  async uploadSessionPhoto(
    @Arg('sessionId', () => ID, { description: 'Session id.' }) sessionId: string,
    @Arg('personId', () => ID, { description: 'Person id.' }) personId: string,
    @Arg('dataUrl', () => String, { description: 'The image as a data: URL (JPEG, PNG, GIF or WebP, at most 700 KB).' }) dataUrl: string,
    @Ctx() ctx: Context,
  ): Promise<SessionPhotoType> {
    return this.service.uploadPhoto(ctx.em, signedIn(ctx), sessionId, personId, dataUrl);
  }

  @Mutation(() => SessionPhotoType, { description: "Approves a photo (it becomes the session value of the person's photo field) or rejects it." })
  async decideSessionPhoto(
    @Arg('photoId', () => ID, { description: 'Photo id.' }) photoId: string,
    @Arg('approve', () => Boolean, { description: 'True to approve, false to reject.' }) approve: boolean,
    @Ctx() ctx: Context,
  ): Promise<SessionPhotoType> {
    return this.service.decidePhoto(ctx.em, signedIn(ctx), photoId, approve);
  }
}

/** Per request: the photos of every session person a response shows, in one query per session. */
const photoLoaders = new WeakMap<Context, DataLoader<string, SessionPhotoType[]>>();
function photoLoader(ctx: Context, sessions: SessionsService): DataLoader<string, SessionPhotoType[]> {
  let loader = photoLoaders.get(ctx);
  if (!loader) {
    loader = new DataLoader<string, SessionPhotoType[]>(async (keys) => {
      const bySession = new Map<string, string[]>();
      for (const k of keys) {
        const [sessionId, personId] = k.split(':') as [string, string];
        bySession.set(sessionId, [...(bySession.get(sessionId) ?? []), personId]);
      }
      const found = (await Promise.all([...bySession].map(([sessionId, ids]) => sessions.photos(ctx.em, sessionId, ids)))).flat();
      return keys.map((k) => found.filter((p) => `${p.sessionId}:${p.personId}` === k));
    });
    photoLoaders.set(ctx, loader);
  }
  return loader;
}

/** A session person's photos. */
@Resolver(() => SessionPersonType)
export class SessionPersonResolver {
  constructor(private readonly service: SessionsService) {}

  @FieldResolver(() => [SessionPhotoType], { description: 'Photos uploaded for this person in the session, newest first.' })
  async photos(@Root() person: SessionPerson, @Ctx() ctx: Context): Promise<SessionPhotoType[]> {
    signedIn(ctx);
    return photoLoader(ctx, this.service).load(`${person.sessionId}:${person.personId}`);
  }
}
