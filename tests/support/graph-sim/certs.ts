import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import selfsigned from 'selfsigned';

export interface SimulatorCert {
  key: string;
  cert: string;
  /** The certificate's file: give it to Rollcall's process as NODE_EXTRA_CA_CERTS. */
  certFile: string;
}

/**
 * A self-signed certificate for 127.0.0.1 and localhost, made once and kept in `dir`. MSAL only
 * talks to https authorities, so the simulator serves TLS and Rollcall trusts this certificate
 * through Node's standard NODE_EXTRA_CA_CERTS (read when a process starts).
 */
export async function simulatorCert(dir: string): Promise<SimulatorCert> {
  const certFile = path.join(dir, 'graph-sim.crt');
  const keyFile = path.join(dir, 'graph-sim.key');
  const existing = await Promise.all([readFile(keyFile, 'utf8'), readFile(certFile, 'utf8')]).catch(() => null);
  if (existing) return { key: existing[0], cert: existing[1], certFile };
  const notAfter = new Date();
  notAfter.setFullYear(notAfter.getFullYear() + 5);
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'Rollcall Graph simulator' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notAfterDate: notAfter,
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', keyCertSign: true, digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] },
    ],
  });
  await mkdir(dir, { recursive: true });
  await writeFile(keyFile, pems.private, { mode: 0o600 });
  await writeFile(certFile, pems.cert);
  return { key: pems.private, cert: pems.cert, certFile };
}
