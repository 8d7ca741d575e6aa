import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TlsFiles } from '@tessera/config';
import { forgeCertificate } from './forge-certificate.js';
import { createCertificateAuthority, ensureDevPki, loadCertificateAuthority, spiffeId } from '@tessera/pki';

export interface TestPki {
  readonly dir: string;
  readonly trustDomain: string;
  /** Files of an identity issued by the test CA (authserver, tokenmanager, idp-gateway, demo-service, demo-admin). */
  files(name: string): TlsFiles;
  /** The same, read into memory, for clients. */
  material(name: string): { ca: Buffer; cert: Buffer; key: Buffer };
  /** A client identity signed by a different CA. */
  foreign(): Promise<{ ca: Buffer; cert: Buffer; key: Buffer }>;
  /** A client certificate from the right CA whose validity has ended. */
  expired(name: string): Promise<{ ca: Buffer; cert: Buffer; key: Buffer }>;
  /** Issues a fresh certificate for `name` and writes it over the existing files. */
  reissue(name: string): Promise<void>;
  /** A client certificate from the test CA whose SANs are written as given, valid or not. */
  forge(names: { type: 'dns' | 'url'; value: string }[]): Promise<{ ca: Buffer; cert: Buffer; key: Buffer }>;
  /** A client identity from the test CA with exactly these names and validity. */
  issue(options: { uris?: string[]; dnsNames?: string[]; notBefore?: Date; notAfter?: Date }): Promise<{ ca: Buffer; cert: Buffer; key: Buffer }>;
  remove(): void;
}

/** A throw-away PKI laid out like the dev PKI, in a temporary directory. */
export async function createTestPki(trustDomain = 'tessera.dev'): Promise<TestPki> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-pki-'));
  const pki = await ensureDevPki({ dir, trustDomain });
  const read = (p: string) => readFileSync(p);
  const files = (name: string): TlsFiles => ({ caFile: pki.caFile, ...pki.files(name) });
  const material = (name: string) => {
    const f = files(name);
    return { ca: read(f.caFile), cert: read(f.certFile), key: read(f.keyFile) };
  };
  const ca = await loadCertificateAuthority({ certPem: read(pki.caFile).toString(), keyPem: read(join(dir, 'ca.key')).toString() });
  const serverNames = (name: string) => ({ uris: [spiffeId(trustDomain, name)], dnsNames: [name, 'localhost'], ipAddresses: ['127.0.0.1', '::1'] });
  return {
    dir,
    trustDomain,
    files,
    material,
    async foreign() {
      const other = await createCertificateAuthority({ commonName: 'Foreign CA' });
      const leaf = await other.issue({ commonName: 'demo-service', uris: [spiffeId(trustDomain, 'demo-service')], usage: 'client' });
      return { ca: read(pki.caFile), cert: Buffer.from(leaf.certPem), key: Buffer.from(leaf.keyPem) };
    },
    async expired(name) {
      const day = 86_400_000;
      const leaf = await ca.issue({
        commonName: name,
        uris: [spiffeId(trustDomain, name)],
        usage: 'client',
        notBefore: new Date(Date.now() - 10 * day),
        notAfter: new Date(Date.now() - day),
      });
      return { ca: read(pki.caFile), cert: Buffer.from(leaf.certPem), key: Buffer.from(leaf.keyPem) };
    },
    async reissue(name) {
      const leaf = await ca.issue({ commonName: name, ...serverNames(name), usage: 'both' });
      const f = files(name);
      // Key first, then certificate: a reader in between sees a mismatched pair and keeps the old one.
      writeFileSync(f.keyFile, leaf.keyPem, { mode: 0o600 });
      writeFileSync(f.certFile, leaf.certPem);
    },
    async forge(names) {
      return { ca: read(pki.caFile), ...(await forgeCertificate({ certPem: read(pki.caFile).toString(), keyPem: read(join(dir, 'ca.key')).toString() }, names)) };
    },
    async issue(options) {
      const leaf = await ca.issue({ commonName: 'test identity', usage: 'both', ...options });
      return { ca: read(pki.caFile), cert: Buffer.from(leaf.certPem), key: Buffer.from(leaf.keyPem) };
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
