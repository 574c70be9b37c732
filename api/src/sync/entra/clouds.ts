/** The Microsoft national clouds a connection can live in. */
export type EntraCloud = 'GLOBAL' | 'US_GOVERNMENT' | 'CHINA';
export const ENTRA_CLOUDS: readonly EntraCloud[] = ['GLOBAL', 'US_GOVERNMENT', 'CHINA'];

export interface CloudEndpoints {
  /** Microsoft identity platform host that issues app-only tokens. */
  authorityHost: string;
  /** Microsoft Graph root; the API version path (/v1.0) is added by the client. */
  graphBaseUrl: string;
}

// Microsoft's national cloud deployments ("Microsoft Graph national cloud deployments"): each
// cloud has its own token endpoint and Graph host; a tenant exists in exactly one of them.
const ENDPOINTS: Record<EntraCloud, CloudEndpoints> = {
  GLOBAL: { authorityHost: 'https://login.microsoftonline.com', graphBaseUrl: 'https://graph.microsoft.com' },
  US_GOVERNMENT: { authorityHost: 'https://login.microsoftonline.us', graphBaseUrl: 'https://graph.microsoft.us' },
  CHINA: { authorityHost: 'https://login.chinacloudapi.cn', graphBaseUrl: 'https://microsoftgraph.chinacloudapi.cn' },
};

/** Endpoints for a cloud, with the configured overrides (simulator, proxy) applied to every cloud. */
export function endpointsFor(cloud: EntraCloud, overrides: { graphBaseUrl?: string | undefined; authorityHost?: string | undefined } = {}): CloudEndpoints {
  return {
    authorityHost: overrides.authorityHost ?? ENDPOINTS[cloud].authorityHost,
    graphBaseUrl: overrides.graphBaseUrl ?? ENDPOINTS[cloud].graphBaseUrl,
  };
}
