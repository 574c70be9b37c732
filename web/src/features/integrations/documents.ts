import { graphql } from '../../gql';
import type { EntraCloud, EntraProblem } from '../../gql/graphql';

// Operation names start with "Integration" so they never clash with the list Sync tab's own
// Entra documents (codegen needs unique names across src/).

export const IntegrationConnectionFragment = graphql(`
  fragment IntegrationConnection on EntraConnection {
    id name tenantId clientId cloud secretExpiresAt lastTestOk lastTestProblem lastTestMessage lastTestedAt createdAt updatedAt
    lists { id name }
  }
`);

export const IntegrationConnectionsQuery = graphql(`
  query IntegrationConnections {
    entraConnections { ...IntegrationConnection }
  }
`);

export const IntegrationCreateConnectionMutation = graphql(`
  mutation IntegrationCreateConnection($input: CreateEntraConnectionInput!) {
    createEntraConnection(input: $input) { ...IntegrationConnection }
  }
`);

export const IntegrationUpdateConnectionMutation = graphql(`
  mutation IntegrationUpdateConnection($id: ID!, $input: UpdateEntraConnectionInput!) {
    updateEntraConnection(id: $id, input: $input) { ...IntegrationConnection }
  }
`);

export const IntegrationTestConnectionMutation = graphql(`
  mutation IntegrationTestConnection($id: ID!) {
    testEntraConnection(id: $id) { ok problem message userCount groupCount connection { ...IntegrationConnection } }
  }
`);

export const IntegrationRemoveConnectionMutation = graphql(`
  mutation IntegrationRemoveConnection($id: ID!) {
    removeEntraConnection(id: $id)
  }
`);

/** The national clouds, in the order offered, with where each signs in. */
export const CLOUDS: ReadonlyArray<{ value: EntraCloud; label: string; hint: string }> = [
  { value: 'GLOBAL', label: 'Global (Microsoft 365)', hint: 'login.microsoftonline.com and graph.microsoft.com: almost every tenant.' },
  { value: 'US_GOVERNMENT', label: 'US Government', hint: 'Microsoft Cloud for US Government (GCC High, DoD): login.microsoftonline.us.' },
  { value: 'CHINA', label: 'China (21Vianet)', hint: 'Microsoft Azure operated by 21Vianet: login.chinacloudapi.cn.' },
];

export function cloudLabel(cloud: EntraCloud): string {
  return CLOUDS.find((c) => c.value === cloud)?.label ?? cloud;
}

/** A short heading per test problem; the server's message under it says what to do. */
export const PROBLEM_TITLES: Record<EntraProblem, string> = {
  TENANT: 'Tenant not found',
  CLIENT_ID: 'Client ID not recognised',
  SECRET: 'Client secret rejected',
  PERMISSION: 'Permission missing',
  NETWORK: 'Microsoft could not be reached',
  THROTTLED: 'Microsoft Graph is throttling requests',
  DELTA_EXPIRED: 'Delta state expired',
  OTHER: 'The test failed',
};

/** Problems fixed by correcting the connection's own settings (the edit dialog). */
export const CREDENTIAL_PROBLEMS: ReadonlySet<EntraProblem> = new Set(['TENANT', 'CLIENT_ID', 'SECRET']);

/** The Microsoft Graph application permissions Rollcall needs, with admin consent. */
export const PERMISSIONS = [
  { name: 'User.Read.All', why: 'reads users and their attributes', required: true },
  { name: 'GroupMember.Read.All', why: 'reads groups and their members, for group-scoped lists', required: true },
  { name: 'Directory.Read.All', why: 'lists directory extension attributes, to map them onto fields', required: false },
] as const;

/** A YYYY-MM-DD date as local midnight (not UTC, which would show the day before in the Americas). */
export function localDate(date: string): Date {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(y!, m! - 1, d!);
}

/** Days from today until a YYYY-MM-DD date (negative once past), in the browser's time zone. */
export function daysUntil(date: string, now = new Date()): number {
  const today = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  return Math.round((localDate(date).getTime() - today.getTime()) / 86_400_000);
}
