import { ENTERPRISE_URN, GROUP_URN, RESOURCE_TYPE_URN, SCHEMA_URN, SERVICE_PROVIDER_CONFIG_URN, USER_URN } from './urns.js';

/** Largest request body accepted, in bytes (a larger one gets 413). */
export const MAX_PAYLOAD_BYTES = 1024 * 1024;
/** Largest page a list request returns (RFC 7644 §3.4.2.4: a larger `count` is lowered to it). */
export const MAX_RESULTS = 1000;

/**
 * RFC 7643 §5: what this service supports, truthfully: PATCH, filter, sort and ETags yes; bulk
 * and password changes no.
 */
export function serviceProviderConfig(base: string) {
  return {
    schemas: [SERVICE_PROVIDER_CONFIG_URN],
    documentationUri: 'https://github.com/rollcall/rollcall#scim-provisioning',
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_RESULTS },
    changePassword: { supported: false },
    sort: { supported: true },
    etag: { supported: true },
    authenticationSchemes: [
      { type: 'oauthbearertoken', name: 'Bearer token', description: 'A list token (sct_…) generated on the list’s Sync tab, sent as Authorization: Bearer.', primary: true },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${base}/ServiceProviderConfig` },
  };
}

/** RFC 7643 §6: the User (with the enterprise extension) and Group resource types. */
export function resourceTypes(base: string) {
  return [
    {
      schemas: [RESOURCE_TYPE_URN],
      id: 'User',
      name: 'User',
      endpoint: '/Users',
      description: 'A person on the list',
      schema: USER_URN,
      schemaExtensions: [{ schema: ENTERPRISE_URN, required: false }],
      meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/User` },
    },
    {
      schemas: [RESOURCE_TYPE_URN],
      id: 'Group',
      name: 'Group',
      endpoint: '/Groups',
      description: 'A group of the list’s people',
      schema: GROUP_URN,
      meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/Group` },
    },
  ];
}

type Attr = Record<string, unknown>;
const attr = (name: string, o: Partial<{ type: string; multiValued: boolean; required: boolean; caseExact: boolean; mutability: string; returned: string; uniqueness: string; subAttributes: Attr[]; description: string }> = {}): Attr => ({
  name,
  type: o.type ?? 'string',
  multiValued: o.multiValued ?? false,
  description: o.description ?? name,
  required: o.required ?? false,
  caseExact: o.caseExact ?? false,
  mutability: o.mutability ?? 'readWrite',
  returned: o.returned ?? 'default',
  uniqueness: o.uniqueness ?? 'none',
  ...(o.subAttributes ? { subAttributes: o.subAttributes } : {}),
});
const multi = (name: string, subs: string[]) =>
  attr(name, { type: 'complex', multiValued: true, subAttributes: [...subs.map((s) => attr(s)), attr('primary', { type: 'boolean' })] });

/** RFC 7643 §7 and §8.7.1: the schemas, with the attributes this service stores and returns. */
export function schemas(base: string) {
  const user = {
    id: USER_URN,
    name: 'User',
    description: 'User Account',
    attributes: [
      attr('userName', { required: true, uniqueness: 'server', description: 'Unique identifier for the User, typically used to sign in; unique within the list, case-insensitively.' }),
      attr('name', { type: 'complex', subAttributes: ['formatted', 'familyName', 'givenName', 'middleName', 'honorificPrefix', 'honorificSuffix'].map((s) => attr(s)) }),
      attr('displayName'),
      attr('nickName'),
      attr('profileUrl', { type: 'reference' }),
      attr('title'),
      attr('userType'),
      attr('preferredLanguage'),
      attr('locale'),
      attr('timezone'),
      attr('active', { type: 'boolean', description: 'False deactivates the person; DELETE does the same.' }),
      multi('emails', ['value', 'display', 'type']),
      multi('phoneNumbers', ['value', 'display', 'type']),
      multi('ims', ['value', 'display', 'type']),
      multi('photos', ['value', 'display', 'type']),
      attr('addresses', { type: 'complex', multiValued: true, subAttributes: ['formatted', 'streetAddress', 'locality', 'region', 'postalCode', 'country', 'type'].map((s) => attr(s)) }),
      attr('groups', { type: 'complex', multiValued: true, mutability: 'readOnly', subAttributes: [attr('value', { mutability: 'readOnly' }), attr('$ref', { type: 'reference', mutability: 'readOnly' }), attr('display', { mutability: 'readOnly' })] }),
      multi('entitlements', ['value', 'display', 'type']),
      multi('roles', ['value', 'display', 'type']),
    ],
  };
  const enterprise = {
    id: ENTERPRISE_URN,
    name: 'EnterpriseUser',
    description: 'Enterprise User',
    attributes: [
      attr('employeeNumber'),
      attr('costCenter'),
      attr('organization'),
      attr('division'),
      attr('department'),
      attr('manager', { type: 'complex', subAttributes: [attr('value'), attr('$ref', { type: 'reference' }), attr('displayName', { mutability: 'readOnly' })] }),
    ],
  };
  const group = {
    id: GROUP_URN,
    name: 'Group',
    description: 'Group',
    attributes: [
      attr('displayName', { required: true, uniqueness: 'server' }),
      attr('members', { type: 'complex', multiValued: true, subAttributes: [attr('value', { mutability: 'immutable' }), attr('$ref', { type: 'reference', mutability: 'immutable' }), attr('type', { mutability: 'immutable' })] }),
    ],
  };
  return [user, enterprise, group].map((s) => ({ schemas: [SCHEMA_URN], ...s, meta: { resourceType: 'Schema', location: `${base}/Schemas/${s.id}` } }));
}
