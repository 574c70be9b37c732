import path from 'node:path';
import { Directory } from './directory.js';
import { GraphSimulator } from './server.js';
import { simulatorCert } from './certs.js';

export { Directory, sampleUser, type UserObject, type AppRegistration } from './directory.js';
export { GraphSimulator, type Fault } from './server.js';
export { simulatorCert } from './certs.js';

/** Where tests keep the simulator's certificate (global setup points NODE_EXTRA_CA_CERTS at it). */
export const TEST_CERT_DIR = path.resolve(import.meta.dirname, '../../../.data/test-graph-sim');

/**
 * Starts a simulator with a fresh tenant and one app registration holding User.Read.All and
 * GroupMember.Read.All; returns it with the endpoints and credentials to configure Rollcall.
 */
export async function startGraphSimulator(options: { tokenLifetimeSeconds?: number; certDir?: string } = {}) {
  const { key, cert } = await simulatorCert(options.certDir ?? TEST_CERT_DIR);
  const directory = new Directory();
  const app = directory.registerApp();
  const sim = await new GraphSimulator({ key, cert, directory, ...(options.tokenLifetimeSeconds ? { tokenLifetimeSeconds: options.tokenLifetimeSeconds } : {}) }).start();
  return {
    sim,
    directory,
    app,
    /** Environment for Rollcall: both endpoint overrides point here. */
    env: { ROLLCALL_GRAPH_BASE_URL: sim.url, ROLLCALL_ENTRA_AUTHORITY_HOST: sim.url },
    connectionInput: { name: 'Contoso', tenantId: directory.tenantId, clientId: app.clientId, clientSecret: app.secret },
  };
}
