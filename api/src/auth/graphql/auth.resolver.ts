import { setTimeout as sleep } from 'node:timers/promises';
import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../graphql/context.js';
import { signedIn } from '../../graphql/context.js';
import type { AuthService, SignedIn } from '../auth.service.js';
import type { LoginThrottle } from '../login-throttle.js';
import { errors } from '../../shared/errors.js';
import { MemberSchema, type Role } from '../auth.entities.js';
import {
  AddMemberInput,
  ApiTokenType,
  CreatedApiTokenType,
  LoginResultType,
  MemberType,
  RoleEnum,
  SetupInput,
  SetupStatusType,
  ViewerType,
} from './auth.types.js';

function present(signed: SignedIn): LoginResultType {
  return {
    token: signed.token,
    expiresAt: signed.expiresAt,
    viewer: { member: signed.member as MemberType, organization: signed.organization },
  };
}

/** Sign-in, first-run setup, members and personal API tokens. */
@Resolver()
export class AuthResolver {
  constructor(
    private readonly auth: AuthService,
    private readonly throttle: LoginThrottle,
  ) {}

  @Query(() => SetupStatusType, { description: 'Whether the one-time setup is still needed. Public.' })
  async setupStatus(@Ctx() ctx: Context): Promise<SetupStatusType> {
    return { needsSetup: await this.auth.needsSetup(ctx.em) };
  }

  @Query(() => ViewerType, { nullable: true, description: 'The signed-in caller, or null when signed out.' })
  async viewer(@Ctx() ctx: Context): Promise<ViewerType | null> {
    if (!ctx.viewer) return null;
    const [member, organization] = await Promise.all([
      ctx.em.findOneOrFail(MemberSchema, { id: ctx.viewer.memberId }),
      this.auth.organization(ctx.em, ctx.viewer),
    ]);
    return { member: member as MemberType, organization };
  }

  @Mutation(() => LoginResultType, { description: 'Creates the first organisation and its owner, and signs in. Refused once set up.' })
  async setup(@Arg('input', () => SetupInput, { description: 'Organisation and owner.' }) input: SetupInput, @Ctx() ctx: Context): Promise<LoginResultType> {
    const signed = await this.auth.setup(ctx.em, input, ctx.client);
    ctx.session?.set(signed.token, signed.expiresAt);
    return present(signed);
  }

  @Mutation(() => LoginResultType, {
    description: 'Signs in with email and password. Sets the session cookie and returns a bearer token for scripts.',
  })
  async login(
    @Arg('email', () => String, { description: 'Sign-in email.' }) email: string,
    @Arg('password', () => String, { description: 'Password.' }) password: string,
    @Ctx() ctx: Context,
  ): Promise<LoginResultType> {
    const ip = ctx.client.ip ?? 'unknown';
    const verdict = this.throttle.check(ip);
    if (verdict.refuseForSeconds !== null) throw errors.tooManyRequests(verdict.refuseForSeconds);
    // Counted as a failure before the answer (a success clears it): counted only after, many
    // attempts sent at once all passed the check together and escaped both the delay and the lockout.
    this.throttle.fail(ip);
    if (verdict.delayMs > 0) await sleep(verdict.delayMs);
    const signed = await this.auth.login(ctx.em, email, password, ctx.client);
    this.throttle.succeed(ip);
    ctx.session?.set(signed.token, signed.expiresAt);
    return present(signed);
  }

  @Mutation(() => Boolean, { description: 'Ends the current session and clears the cookie.' })
  async logout(@Ctx() ctx: Context): Promise<boolean> {
    if (ctx.viewer) await this.auth.logout(ctx.em, ctx.viewer);
    ctx.session?.clear();
    return true;
  }

  @Query(() => [MemberType], { description: "The organisation's administrators." })
  async members(@Ctx() ctx: Context): Promise<MemberType[]> {
    return (await this.auth.members(ctx.em, signedIn(ctx))) as MemberType[];
  }

  @Mutation(() => MemberType, { description: 'Adds an administrator with an initial password. Admins add admins and viewers; owners add owners.' })
  async addMember(@Arg('input', () => AddMemberInput, { description: 'The new member.' }) input: AddMemberInput, @Ctx() ctx: Context): Promise<MemberType> {
    return (await this.auth.addMember(ctx.em, signedIn(ctx), input)) as MemberType;
  }

  @Mutation(() => MemberType, { description: "Changes a member's role. Owners only; the last owner cannot be demoted." })
  async updateMemberRole(
    @Arg('id', () => ID, { description: 'Member id.' }) id: string,
    @Arg('role', () => RoleEnum, { description: 'New role.' }) role: Role,
    @Ctx() ctx: Context,
  ): Promise<MemberType> {
    return (await this.auth.updateMemberRole(ctx.em, signedIn(ctx), id, role)) as MemberType;
  }

  @Mutation(() => Boolean, { description: 'Removes a member and ends their sessions and tokens. Owners only.' })
  async removeMember(@Arg('id', () => ID, { description: 'Member id.' }) id: string, @Ctx() ctx: Context): Promise<boolean> {
    await this.auth.removeMember(ctx.em, signedIn(ctx), id);
    return true;
  }

  @Query(() => [ApiTokenType], { description: "The organisation's personal API tokens, newest first (secrets are never returned)." })
  async apiTokens(@Ctx() ctx: Context): Promise<ApiTokenType[]> {
    return this.auth.apiTokens(ctx.em, signedIn(ctx));
  }

  @Mutation(() => CreatedApiTokenType, { description: "Creates a personal API token acting with the caller's role. The token is returned once." })
  async createApiToken(@Arg('name', () => String, { description: 'What the token is for.' }) name: string, @Ctx() ctx: Context): Promise<CreatedApiTokenType> {
    return this.auth.createApiToken(ctx.em, signedIn(ctx), name);
  }

  @Mutation(() => ApiTokenType, { description: 'Revokes an API token with immediate effect.' })
  async revokeApiToken(@Arg('id', () => ID, { description: 'Token id.' }) id: string, @Ctx() ctx: Context): Promise<ApiTokenType> {
    return this.auth.revokeApiToken(ctx.em, signedIn(ctx), id);
  }
}

/** Resolves who created an API token. */
@Resolver(() => ApiTokenType)
export class ApiTokenResolver {
  @FieldResolver(() => MemberType, { nullable: true, description: 'The member who created the token (null if since removed).' })
  async createdBy(@Root() token: ApiTokenType, @Ctx() ctx: Context): Promise<MemberType | null> {
    return (await ctx.em.findOne(MemberSchema, { id: token.memberId })) as MemberType | null;
  }
}
