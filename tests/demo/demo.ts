import { spawn } from 'node:child_process';
import path from 'node:path';
import { deflateSync, crc32 } from 'node:zlib';
import { Directory, GraphSimulator, simulatorCert } from '../support/graph-sim/index.js';
import { mutate } from '../support/graph-sim/server.js';

/**
 * `npm run demo`: Rollcall with a simulated Microsoft Entra tenant, so a newcomer can sync a list
 * in a minute without one. Starts the Graph simulator (HTTPS on loopback, self-signed certificate
 * trusted through NODE_EXTRA_CA_CERTS), seeds a school of a few hundred people in nested groups,
 * some with photos, then starts Rollcall (its own data directory, .data/demo) with a demo
 * organisation, an Entra connection to the simulated tenant and an empty "Staff" list.
 */

const root = path.resolve(import.meta.dirname, '../..');
const dataDir = path.join(root, '.data', 'demo');
const port = Number(process.env.PORT ?? 4000);
const graphPort = Number(process.env.DEMO_GRAPH_PORT ?? 4443);
const email = 'admin@demo.rollcall.test';
const password = 'rollcall-demo-password';

/** A small solid-colour PNG with a lighter band: enough to see photos arrive. */
function png(seed: number): Buffer {
  const size = 96;
  const [r, g, b] = [(seed * 67) % 200 + 30, (seed * 131) % 200 + 30, (seed * 29) % 200 + 30];
  const rows: Buffer[] = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 3);
    for (let x = 0; x < size; x++) {
      const band = y > 56 && y < 72 ? 60 : 0;
      row.set([Math.min(255, r + band), Math.min(255, g + band), Math.min(255, b + band)], 1 + x * 3);
    }
    rows.push(row);
  }
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body) >>> 0);
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

function seedTenant(d: Directory): void {
  const staff = d.seedUsers(180);
  const students = d.seedUsers(220, (i, u) => {
    u.employeeType = 'Student';
    u.jobTitle = 'Student';
    u.department = `Year ${7 + (i % 6)}`;
  });
  for (const [i, id] of [...staff, ...students].entries()) if (i % 3 === 0) d.setPhoto(id, png(i), 'image/png');
  const science = d.addGroup('Science teachers', staff.slice(0, 25), 'Physics, chemistry and biology');
  const maths = d.addGroup('Maths teachers', staff.slice(25, 45));
  d.addGroup('All teachers', [...staff.slice(45, 120), science, maths], 'Every teacher, nested departments included');
  d.addGroup('Support staff', staff.slice(120));
  d.addGroup('Students', students);
  d.addGroup('Year 7', students.filter((_, i) => i % 6 === 0));
  d.registerExtension('houseName');
}

async function graphql<T>(url: string, query: string, variables: Record<string, unknown> = {}, token?: string): Promise<T> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: Array<{ message: string }> };
  if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join('; '));
  return body.data!;
}

async function main(): Promise<void> {
  const { key, cert, certFile } = await simulatorCert(path.join(dataDir, 'graph-sim'));
  const directory = new Directory('5f0c8c52-6d4e-4d8a-9b9e-3c1d2e4f5a6b', 'demo-school.onmicrosoft.com');
  const app = directory.registerApp(['User.Read.All', 'GroupMember.Read.All', 'Directory.Read.All'], '8a1d7c2e-3b4f-4a5d-9e6f-7a8b9c0d1e2f', 'demo~client~secret~value');
  seedTenant(directory);
  const sim = await new GraphSimulator({ key, cert, directory, port: graphPort }).start();

  const url = `http://localhost:${port}`;
  const rollcall = spawn(process.execPath, [path.join(root, 'api', 'dist', 'main.js')], {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      PORT: String(port),
      ROLLCALL_DATA_DIR: dataDir,
      ROLLCALL_EMBEDDED_PG_PORT: process.env.ROLLCALL_EMBEDDED_PG_PORT ?? '54330',
      NODE_EXTRA_CA_CERTS: certFile,
      ROLLCALL_GRAPH_BASE_URL: sim.url,
      ROLLCALL_ENTRA_AUTHORITY_HOST: sim.url,
      ROLLCALL_ADMIN_EMAIL: email,
      ROLLCALL_ADMIN_PASSWORD: password,
      ROLLCALL_ADMIN_ORGANIZATION: 'Demo School',
    },
  });
  const stop = () => {
    rollcall.kill('SIGTERM');
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  rollcall.on('exit', (code) => {
    void sim.stop().then(() => process.exit(code ?? 0));
  });

  for (let i = 0; ; i++) {
    if (await fetch(`${url}/readyz`).then((r) => r.ok, () => false)) break;
    if (i > 600) throw new Error('Rollcall did not start within a minute');
    await new Promise((r) => setTimeout(r, 100));
  }
  const { login } = await graphql<{ login: { token: string } }>(url, `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`, { e: email, p: password });
  const token = login.token;
  const { entraConnections } = await graphql<{ entraConnections: Array<{ id: string }> }>(url, `{ entraConnections { id } }`, {}, token);
  if (entraConnections.length === 0) {
    await graphql(url, `mutation($i: CreateEntraConnectionInput!) { createEntraConnection(input: $i) { id } }`, {
      i: { name: 'Demo School (simulated Entra)', tenantId: directory.tenantId, clientId: app.clientId, clientSecret: app.secret },
    }, token);
    await graphql(url, `mutation { createMasterList(input: { name: "Staff", description: "Synced from Entra ID", uidField: { key: "employee_id", label: "Employee ID", type: TEXT } }) { id } }`, {}, token);
  }
  // Directory churn between syncs: a few joiners, movers and leavers every minute.
  setInterval(() => mutate(directory, 6), 60_000).unref();

  console.log(`
  Rollcall demo is running at ${url}
    Sign in as ${email} with password ${password}
    Open the "Staff" list > Sync tab > Microsoft Entra ID, choose the connection
    "Demo School (simulated Entra)", a scope (try the group "All teachers"), map fields, then Sync now.
    The simulated tenant (${directory.userCount} people, ${directory.groupList().length} groups) changes a little every minute;
    its control API is at ${sim.url}/_sim/stats (POST /_sim/mutate {"changes": 50} for more).
  Stop with Ctrl-C. Demo data lives in .data/demo.
`);
}

main().catch((err: unknown) => {
  console.error('The demo failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
