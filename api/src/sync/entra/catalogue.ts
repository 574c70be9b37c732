import type { FieldType } from '../../lists/list.entities.js';

export type SourceFieldCategory = 'IDENTITY' | 'CONTACT' | 'ORGANIZATION' | 'ACCOUNT' | 'ON_PREMISES' | 'EXTENSION' | 'CUSTOM';
export const SOURCE_FIELD_CATEGORIES: readonly SourceFieldCategory[] = ['IDENTITY', 'CONTACT', 'ORGANIZATION', 'ACCOUNT', 'ON_PREMISES', 'EXTENSION', 'CUSTOM'];

/** A user attribute Rollcall can read from Microsoft Graph and map onto a list field. */
export interface SourceField {
  attribute: string;
  label: string;
  category: SourceFieldCategory;
  /** The field type a new target field gets. */
  type: FieldType;
  /** Field keys and labels this attribute is suggested for (lower case, without punctuation). */
  aliases: readonly string[];
}

const f = (attribute: string, label: string, category: SourceFieldCategory, type: FieldType, aliases: readonly string[] = []): SourceField => ({ attribute, label, category, type, aliases });

/** The microsoft.graph.user properties rosters use, by category (Graph v1.0 names). */
export const USER_FIELDS: readonly SourceField[] = [
  f('id', 'Object ID', 'IDENTITY', 'TEXT', ['objectid', 'entraid', 'azureid']),
  f('userPrincipalName', 'User principal name', 'IDENTITY', 'TEXT', ['upn', 'username', 'login', 'userprincipalname']),
  f('displayName', 'Display name', 'IDENTITY', 'TEXT', ['displayname', 'name', 'fullname']),
  f('givenName', 'First name', 'IDENTITY', 'TEXT', ['firstname', 'givenname', 'forename']),
  f('surname', 'Last name', 'IDENTITY', 'TEXT', ['lastname', 'surname', 'familyname']),
  f('employeeId', 'Employee ID', 'IDENTITY', 'TEXT', ['employeeid', 'employeenumber', 'staffid', 'staffnumber', 'badgeid', 'studentid']),
  f('mailNickname', 'Mail nickname', 'IDENTITY', 'TEXT', ['alias', 'nickname']),
  f('photo', 'Profile photo', 'IDENTITY', 'PHOTO', ['photo', 'picture', 'image', 'avatar', 'headshot']),
  f('mail', 'Email', 'CONTACT', 'EMAIL', ['email', 'mail', 'emailaddress', 'workemail']),
  f('otherMails', 'Other emails', 'CONTACT', 'TEXT', ['otheremails']),
  f('mobilePhone', 'Mobile phone', 'CONTACT', 'PHONE', ['mobile', 'mobilephone', 'cell', 'cellphone']),
  f('businessPhones', 'Business phone', 'CONTACT', 'PHONE', ['phone', 'workphone', 'businessphone', 'telephone']),
  f('faxNumber', 'Fax number', 'CONTACT', 'PHONE', ['fax']),
  f('streetAddress', 'Street address', 'CONTACT', 'TEXT', ['street', 'address', 'streetaddress']),
  f('city', 'City', 'CONTACT', 'TEXT', ['city', 'town']),
  f('state', 'State or province', 'CONTACT', 'TEXT', ['state', 'province', 'region']),
  f('postalCode', 'Postal code', 'CONTACT', 'TEXT', ['postcode', 'postalcode', 'zip', 'zipcode']),
  f('country', 'Country', 'CONTACT', 'TEXT', ['country']),
  f('jobTitle', 'Job title', 'ORGANIZATION', 'TEXT', ['jobtitle', 'title', 'position', 'role']),
  f('department', 'Department', 'ORGANIZATION', 'TEXT', ['department', 'dept', 'team']),
  f('companyName', 'Company', 'ORGANIZATION', 'TEXT', ['company', 'companyname', 'organisation', 'organization']),
  f('officeLocation', 'Office', 'ORGANIZATION', 'TEXT', ['office', 'officelocation', 'location', 'site', 'campus']),
  f('employeeType', 'Employee type', 'ORGANIZATION', 'TEXT', ['employeetype', 'persontype', 'usertype', 'type']),
  f('employeeHireDate', 'Hire date', 'ORGANIZATION', 'DATE', ['hiredate', 'startdate', 'employeehiredate']),
  f('employeeOrgData.costCenter', 'Cost centre', 'ORGANIZATION', 'TEXT', ['costcenter', 'costcentre']),
  f('employeeOrgData.division', 'Division', 'ORGANIZATION', 'TEXT', ['division']),
  f('accountEnabled', 'Account enabled', 'ACCOUNT', 'BOOLEAN', ['enabled', 'accountenabled', 'active']),
  f('userType', 'User type (member or guest)', 'ACCOUNT', 'TEXT', ['membertype']),
  f('createdDateTime', 'Created', 'ACCOUNT', 'DATE', ['created', 'createddate']),
  f('usageLocation', 'Usage location', 'ACCOUNT', 'TEXT', ['usagelocation']),
  f('preferredLanguage', 'Preferred language', 'ACCOUNT', 'TEXT', ['language', 'preferredlanguage', 'locale']),
  f('onPremisesSamAccountName', 'sAMAccountName', 'ON_PREMISES', 'TEXT', ['samaccountname', 'sam']),
  f('onPremisesUserPrincipalName', 'On-premises UPN', 'ON_PREMISES', 'TEXT', ['onpremisesupn']),
  f('onPremisesImmutableId', 'Immutable ID', 'ON_PREMISES', 'TEXT', ['immutableid']),
  f('onPremisesDistinguishedName', 'Distinguished name', 'ON_PREMISES', 'TEXT', ['dn', 'distinguishedname']),
  f('onPremisesDomainName', 'On-premises domain', 'ON_PREMISES', 'TEXT', ['domain']),
  ...Array.from({ length: 15 }, (_, i) => f(`onPremisesExtensionAttributes.extensionAttribute${i + 1}`, `Extension attribute ${i + 1}`, 'ON_PREMISES', 'TEXT', [`extensionattribute${i + 1}`, `customattribute${i + 1}`])),
];

/** A directory extension (`extension_<appId>_<name>`): Graph returns it only when selected. */
export function extensionField(name: string): SourceField {
  const short = /^extension_[0-9a-f]{32}_(.+)$/i.exec(name)?.[1] ?? name;
  return f(name, short.replace(/_/g, ' '), 'EXTENSION', 'TEXT', [norm(short)]);
}

/** Any other attribute an administrator names (a property or a path into one). */
export function customField(attribute: string): SourceField {
  return f(attribute, attribute, 'CUSTOM', 'TEXT', []);
}

const ATTRIBUTE = /^(?:[a-zA-Z][a-zA-Z0-9_]{0,120})(?:\.[a-zA-Z][a-zA-Z0-9_]{0,120})?$/;
export function isValidAttribute(attribute: string): boolean {
  return ATTRIBUTE.test(attribute);
}

export function norm(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** A target field key for a source attribute: `employeeOrgData.costCenter` → `cost_center`. */
export function keyFor(attribute: string, label: string): string {
  const base = attribute.startsWith('extension_') ? label : (attribute.split('.').pop() ?? attribute);
  const snake = base
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  const key = /^[a-z]/.test(snake) ? snake : `f_${snake}`;
  return key.slice(0, 63);
}

/** The list field (by key or label) a source field is best mapped onto, if any. */
export function suggest(field: SourceField, targets: ReadonlyArray<{ key: string; label: string }>): string | null {
  const names = new Set([norm(field.attribute.split('.').pop()!), norm(field.label), ...field.aliases]);
  for (const t of targets) if (names.has(norm(t.key)) || names.has(norm(t.label))) return t.key;
  return null;
}

/** Reads a value at a path, as mapping does: `onPremisesExtensionAttributes.extensionAttribute1`. */
export function sampleText(user: Record<string, unknown>, path: string): string | null {
  let cur: unknown = user;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return null;
    cur = (cur as Record<string, unknown>)[part];
  }
  if (cur === null || cur === undefined || cur === '') return null;
  if (Array.isArray(cur)) return cur.length ? cur.map(String).join(', ') : null;
  return typeof cur === 'object' ? JSON.stringify(cur) : String(cur);
}
