import type { FieldType } from '../lists/list.entities.js';
import type { Transform } from '../sync/engine/mapping.js';
import { ENTERPRISE_URN } from './rfc7643/urns.js';

export type ScimAttributeCategory = 'NAME' | 'CONTACT' | 'ORGANISATION' | 'ACCOUNT' | 'EXTENSION';
export type ScimUniqueIdentifier = 'EMPLOYEE_NUMBER' | 'USERNAME' | 'EMAIL';

/** A SCIM user attribute a list field can be mapped from. */
export interface ScimAttribute {
  /** The attribute path as RFC 7644 §3.10 writes it. */
  attribute: string;
  label: string;
  category: ScimAttributeCategory;
  type: FieldType;
}

const E = ENTERPRISE_URN;

/**
 * The 27 SCIM attributes offered in the mapping editor (RFC 7643 §4.1 core User and §4.3
 * enterprise extension). Any other `urn:…:attribute` of a custom extension may be mapped too.
 */
export const SCIM_ATTRIBUTES: readonly ScimAttribute[] = [
  { attribute: 'name.givenName', label: 'Given name', category: 'NAME', type: 'TEXT' },
  { attribute: 'name.familyName', label: 'Family name', category: 'NAME', type: 'TEXT' },
  { attribute: 'name.middleName', label: 'Middle name', category: 'NAME', type: 'TEXT' },
  { attribute: 'name.formatted', label: 'Formatted name', category: 'NAME', type: 'TEXT' },
  { attribute: 'displayName', label: 'Display name', category: 'NAME', type: 'TEXT' },
  { attribute: 'nickName', label: 'Nickname', category: 'NAME', type: 'TEXT' },
  { attribute: 'emails[primary eq true].value', label: 'Primary email (or the first)', category: 'CONTACT', type: 'EMAIL' },
  { attribute: 'emails[type eq "work"].value', label: 'Work email', category: 'CONTACT', type: 'EMAIL' },
  { attribute: 'emails[type eq "home"].value', label: 'Home email', category: 'CONTACT', type: 'EMAIL' },
  { attribute: 'phoneNumbers[type eq "work"].value', label: 'Work phone', category: 'CONTACT', type: 'PHONE' },
  { attribute: 'phoneNumbers[type eq "mobile"].value', label: 'Mobile phone', category: 'CONTACT', type: 'PHONE' },
  { attribute: 'addresses[type eq "work"].streetAddress', label: 'Work street address', category: 'CONTACT', type: 'TEXT' },
  { attribute: 'addresses[type eq "work"].locality', label: 'Work city', category: 'CONTACT', type: 'TEXT' },
  { attribute: 'addresses[type eq "work"].region', label: 'Work region', category: 'CONTACT', type: 'TEXT' },
  { attribute: 'addresses[type eq "work"].postalCode', label: 'Work postal code', category: 'CONTACT', type: 'TEXT' },
  { attribute: 'addresses[type eq "work"].country', label: 'Work country', category: 'CONTACT', type: 'TEXT' },
  { attribute: 'title', label: 'Job title', category: 'ORGANISATION', type: 'TEXT' },
  { attribute: `${E}:employeeNumber`, label: 'Employee number', category: 'ORGANISATION', type: 'TEXT' },
  { attribute: `${E}:department`, label: 'Department', category: 'ORGANISATION', type: 'TEXT' },
  { attribute: `${E}:organization`, label: 'Organisation', category: 'ORGANISATION', type: 'TEXT' },
  { attribute: `${E}:division`, label: 'Division', category: 'ORGANISATION', type: 'TEXT' },
  { attribute: `${E}:costCenter`, label: 'Cost centre', category: 'ORGANISATION', type: 'TEXT' },
  { attribute: `${E}:manager.value`, label: 'Manager (id)', category: 'ORGANISATION', type: 'TEXT' },
  { attribute: 'userName', label: 'Username', category: 'ACCOUNT', type: 'TEXT' },
  { attribute: 'externalId', label: 'External id', category: 'ACCOUNT', type: 'TEXT' },
  { attribute: 'userType', label: 'User type', category: 'ACCOUNT', type: 'TEXT' },
  { attribute: 'preferredLanguage', label: 'Preferred language', category: 'ACCOUNT', type: 'TEXT' },
];

/** A field a SCIM connection creates when the list lacks it, with its mapping. */
export interface DefaultField {
  key: string;
  label: string;
  type: FieldType;
  attribute: string;
  transform: Transform;
}

/** The 9 default fields and their mappings. */
export const DEFAULT_FIELDS: readonly DefaultField[] = [
  { key: 'first_name', label: 'First Name', type: 'TEXT', attribute: 'name.givenName', transform: 'DIRECT' },
  { key: 'last_name', label: 'Last Name', type: 'TEXT', attribute: 'name.familyName', transform: 'DIRECT' },
  { key: 'email', label: 'Email', type: 'EMAIL', attribute: 'emails[type eq "work"].value', transform: 'DIRECT' },
  { key: 'display_name', label: 'Display Name', type: 'TEXT', attribute: 'displayName', transform: 'DIRECT' },
  { key: 'employee_number', label: 'Employee Number', type: 'TEXT', attribute: `${E}:employeeNumber`, transform: 'DIRECT' },
  { key: 'primary_email', label: 'Primary Email', type: 'EMAIL', attribute: 'emails[primary eq true].value', transform: 'DIRECT' },
  { key: 'phone', label: 'Phone', type: 'PHONE', attribute: 'phoneNumbers[type eq "work"].value', transform: 'DIRECT' },
  { key: 'job_title', label: 'Job Title', type: 'TEXT', attribute: 'title', transform: 'DIRECT' },
  { key: 'department', label: 'Department', type: 'TEXT', attribute: `${E}:department`, transform: 'DIRECT' },
];

/**
 * The field each UID choice makes the list's UID. Username has no default field of its own, so
 * choosing it adds a "Username" field mapped from `userName`.
 */
export const UID_FIELDS: Record<ScimUniqueIdentifier, DefaultField> = {
  EMPLOYEE_NUMBER: DEFAULT_FIELDS[4]!,
  EMAIL: DEFAULT_FIELDS[5]!,
  USERNAME: { key: 'username', label: 'Username', type: 'TEXT', attribute: 'userName', transform: 'DIRECT' },
};

/** Whether a mapping may read this attribute: one of the catalogue or a custom extension's. */
export function isMappableAttribute(attribute: string): boolean {
  // `groups` fills the Groups field from SCIM group membership.
  if (attribute === 'groups') return true;
  return SCIM_ATTRIBUTES.some((a) => a.attribute === attribute) || /^urn:[A-Za-z0-9:._-]+:[A-Za-z$][\w$-]*(\.[A-Za-z$][\w$-]*)?$/.test(attribute);
}
