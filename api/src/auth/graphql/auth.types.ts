import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar } from '../../graphql/scalars.js';
import type { Role } from '../auth.entities.js';

export enum RoleEnum {
  OWNER = 'OWNER',
  ADMIN = 'ADMIN',
  VIEWER = 'VIEWER',
}
registerEnumType(RoleEnum, {
  name: 'Role',
  description: 'What an administrator may do.',
  valuesConfig: {
    OWNER: { description: 'Everything, including managing members and permanently erasing people.' },
    ADMIN: { description: 'Manage lists, schemas, people and API tokens.' },
    VIEWER: { description: 'Read only.' },
  },
});

@ObjectType('Organization', { description: 'A tenant: every list, person and member belongs to one organisation.' })
export class OrganizationType {
  @Field(() => ID, { description: 'Organisation id.' }) id!: string;
  @Field(() => String, { description: 'Display name.' }) name!: string;
  @Field(() => DateTimeScalar, { description: 'When the organisation was created.' }) createdAt!: Date;
}

@ObjectType('Member', { description: 'An administrator of the organisation.' })
export class MemberType {
  @Field(() => ID, { description: 'Member id.' }) id!: string;
  @Field(() => String, { description: 'Sign-in email address.' }) email!: string;
  @Field(() => String, { description: 'Display name.' }) name!: string;
  @Field(() => RoleEnum, { description: 'What the member may do.' }) role!: Role;
  @Field(() => DateTimeScalar, { description: 'When the member was added.' }) createdAt!: Date;
  @Field(() => DateTimeScalar, { nullable: true, description: 'Last successful sign-in, if any.' }) lastSignInAt!: Date | null;
}

@ObjectType('Viewer', { description: 'The signed-in caller and their organisation.' })
export class ViewerType {
  @Field(() => MemberType, { description: 'The member making the request (for API tokens, the token creator).' }) member!: MemberType;
  @Field(() => OrganizationType, { description: "The caller's organisation." }) organization!: OrganizationType;
}

@ObjectType('LoginResult', { description: 'A new sign-in session.' })
export class LoginResultType {
  @Field(() => String, { description: 'Bearer token for scripts (`Authorization: Bearer …`). Browsers use the HttpOnly cookie set with it.' })
  token!: string;
  @Field(() => DateTimeScalar, { description: 'When the session expires.' }) expiresAt!: Date;
  @Field(() => ViewerType, { description: 'Who is now signed in.' }) viewer!: ViewerType;
}

@ObjectType('SetupStatus', { description: 'Whether this installation still needs its first organisation and owner.' })
export class SetupStatusType {
  @Field(() => Boolean, { description: 'True until the first owner exists; the SPA then shows the one-time setup page.' })
  needsSetup!: boolean;
}

@ObjectType('ApiToken', { description: 'A personal API token for scripts and integrations. The secret itself is never shown again.' })
export class ApiTokenType {
  @Field(() => ID, { description: 'Token id.' }) id!: string;
  @Field(() => String, { description: 'Name given at creation.' }) name!: string;
  @Field(() => String, { description: 'The first characters of the token, to recognise it.' }) prefix!: string;
  @Field(() => DateTimeScalar, { description: 'When the token was created.' }) createdAt!: Date;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When the token was last used (to the minute).' }) lastUsedAt!: Date | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When the token was revoked; revoked tokens are refused.' }) revokedAt!: Date | null;
  memberId!: string;
}

@ObjectType('CreatedApiToken', { description: 'A newly created API token: the only time its secret is returned.' })
export class CreatedApiTokenType {
  @Field(() => String, { description: 'The token. Store it now: it cannot be shown again.' }) token!: string;
  @Field(() => ApiTokenType, { description: 'The stored token.' }) apiToken!: ApiTokenType;
}

@InputType('SetupInput', { description: 'The first organisation and its owner.' })
export class SetupInput {
  @Field(() => String, { description: 'Organisation name.' }) organizationName!: string;
  @Field(() => String, { description: "Owner's name." }) name!: string;
  @Field(() => String, { description: "Owner's sign-in email." }) email!: string;
  @Field(() => String, { description: 'Password, at least 10 characters.' }) password!: string;
}

@InputType('AddMemberInput', { description: 'A new administrator and their initial password.' })
export class AddMemberInput {
  @Field(() => String, { description: 'Sign-in email.' }) email!: string;
  @Field(() => String, { description: 'Display name.' }) name!: string;
  @Field(() => RoleEnum, { description: 'Role; only owners can add owners.' }) role!: Role;
  @Field(() => String, { description: 'Initial password (at least 10 characters), shared with them out of band.' }) password!: string;
}
