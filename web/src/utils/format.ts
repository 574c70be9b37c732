// Display helpers shared by features: how values, times and providers are written for people.

/** How a sync provider is named to people. */
export function providerName(provider: string | null | undefined): string {
  if (!provider) return '';
  return ({ entra: 'Microsoft Entra ID', scim: 'SCIM', csv: 'CSV', airtable: 'Airtable', google: 'Google Workspace' } as Record<string, string>)[provider] ?? provider;
}

/** A person's field value as text: booleans as Yes/No, missing as `empty`. */
export function formatValue(value: unknown, empty = ''): string {
  if (value === null || value === undefined || value === '') return empty;
  if (value === true) return 'Yes';
  if (value === false) return 'No';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

/** A timestamp as a readable date and time, or `never` when absent. */
export function formatDateTime(iso: string | null | undefined, never = 'Never'): string {
  return iso ? dateTime.format(new Date(iso)) : never;
}

/** "3 minutes ago", "yesterday": for recent activity; falls back to the date after a week. */
export function formatAgo(iso: string | null | undefined, never = 'Never', now = Date.now()): string {
  if (!iso) return never;
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return 'just now';
  if (abs < 3600) return relative.format(Math.round(seconds / 60), 'minute');
  if (abs < 86400) return relative.format(Math.round(seconds / 3600), 'hour');
  if (abs < 7 * 86400) return relative.format(Math.round(seconds / 86400), 'day');
  return formatDateTime(iso);
}

/** Upper-case enum values as words: "OWNER" -> "Owner". */
export function formatEnum(value: string): string {
  return value.charAt(0) + value.slice(1).toLowerCase().replace(/_/g, ' ');
}
