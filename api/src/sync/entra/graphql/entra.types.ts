import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar } from '../../../graphql/scalars.js';
import type { EntraCloud } from '../clouds.js';
import type { EntraProblem } from '../graph-reader.js';

export enum EntraCloudEnum {
  GLOBAL = 'GLOBAL',
  US_GOVERNMENT = 'US_GOVERNMENT',
  CHINA = 'CHINA',
}
registerEnumType(EntraCloudEnum, {
  name: 'EntraCloud',
  description: 'The Microsoft cloud a tenant lives in.',
  valuesConfig: {
    GLOBAL: { description: 'Microsoft global service (login.microsoftonline.com, graph.microsoft.com).' },
    US_GOVERNMENT: { description: 'Microsoft Cloud for US Government (login.microsoftonline.us, graph.microsoft.us).' },
    CHINA: { description: 'Microsoft Azure operated by 21Vianet (login.chinacloudapi.cn).' },
  },
});

export enum EntraTestProblemEnum {
  TENANT = 'TENANT',
  CLIENT_ID = 'CLIENT_ID',
  SECRET = 'SECRET',
  PERMISSION = 'PERMISSION',
  NETWORK = 'NETWORK',
  THROTTLED = 'THROTTLED',
  DELTA_EXPIRED = 'DELTA_EXPIRED',
  OTHER = 'OTHER',
}
registerEnumType(EntraTestProblemEnum, {
  name: 'EntraProblem',
  description: 'What is wrong with an Entra connection.',
  valuesConfig: {
    TENANT: { description: 'The tenant ID is not a tenant of the chosen cloud.' },
    CLIENT_ID: { description: 'The client ID is not an application in the tenant.' },
    SECRET: { description: 'The client secret is wrong or expired.' },
    PERMISSION: { description: 'The app lacks User.Read.All or GroupMember.Read.All (with admin consent).' },
    NETWORK: { description: 'Rollcall could not reach Microsoft.' },
    THROTTLED: { description: 'Microsoft Graph kept asking Rollcall to slow down.' },
    DELTA_EXPIRED: { description: 'The delta state expired (runs fall back to a full read by themselves).' },
    OTHER: { description: 'Something else; see the message.' },
  },
});

@ObjectType('EntraConnection', { description: 'A Microsoft Entra ID app registration Rollcall reads a directory with. Its client secret is never returned.' })
export class EntraConnectionType {
  @Field(() => ID, { description: 'Connection id.' }) id!: string;
  @Field(() => String, { description: 'Name for your reference, e.g. "School Entra".' }) name!: string;
  @Field(() => String, { description: 'Directory (tenant) ID or a tenant domain.' }) tenantId!: string;
  @Field(() => String, { description: 'Application (client) ID of the app registration.' }) clientId!: string;
  @Field(() => EntraCloudEnum, { description: 'The cloud the tenant lives in.' }) cloud!: EntraCloud;
  @Field(() => String, { nullable: true, description: 'When the client secret expires (YYYY-MM-DD), if given.' }) secretExpiresAt!: string | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When the connection was last tested.' }) lastTestedAt!: Date | null;
  @Field(() => Boolean, { nullable: true, description: 'Whether the last test succeeded; null when untested since the credentials or cloud last changed.' }) lastTestOk!: boolean | null;
  @Field(() => String, { nullable: true, description: 'What the last test found.' }) lastTestMessage!: string | null;
  @Field(() => EntraTestProblemEnum, { nullable: true, description: 'What was wrong at the last test; null when it passed or has not run since the credentials changed.' }) lastTestProblem!: EntraProblem | null;
  @Field(() => DateTimeScalar, { description: 'When the connection was added.' }) createdAt!: Date;
  @Field(() => DateTimeScalar, { description: 'When the connection last changed.' }) updatedAt!: Date;
}

@InputType('CreateEntraConnectionInput', { description: 'A new Entra connection.' })
export class CreateEntraConnectionInput {
  @Field(() => String, { description: 'Name for your reference.' }) name!: string;
  @Field(() => String, { description: 'Directory (tenant) ID, or a tenant domain.' }) tenantId!: string;
  @Field(() => String, { description: 'Application (client) ID.' }) clientId!: string;
  @Field(() => String, { description: 'Client secret value (not the secret ID). Stored encrypted; never returned.' }) clientSecret!: string;
  @Field(() => EntraCloudEnum, { nullable: true, defaultValue: EntraCloudEnum.GLOBAL, description: 'The cloud the tenant lives in.' }) cloud?: EntraCloud;
  @Field(() => String, { nullable: true, description: 'When the client secret expires (YYYY-MM-DD), so Rollcall can warn before it does.' })
  secretExpiresAt?: string | null;
}

@InputType('UpdateEntraConnectionInput', { description: 'Changes to an Entra connection; omitted properties stay as they are.' })
export class UpdateEntraConnectionInput {
  @Field(() => String, { nullable: true, description: 'New name.' }) name?: string;
  @Field(() => String, { nullable: true, description: 'New tenant ID or domain.' }) tenantId?: string;
  @Field(() => String, { nullable: true, description: 'New client ID.' }) clientId?: string;
  @Field(() => String, { nullable: true, description: 'A new client secret value; omit to keep the stored one.' }) clientSecret?: string;
  @Field(() => EntraCloudEnum, { nullable: true, description: 'New cloud.' }) cloud?: EntraCloud;
  @Field(() => String, { nullable: true, description: 'New secret expiry date (YYYY-MM-DD); null clears it.' }) secretExpiresAt?: string | null;
}
