import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { chmodSync, chownSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer } from 'node:tls';
import {
  createCertificateAuthority,
  DEV_IDENTITIES,
  ensureDevPki,
  loadCertificateAuthority,
  spiffeId,
  type CertificateAuthority,
  type IssueOptions,
  type PemPair,
} from './index.js';
import { x509 } from './x509.js';

const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const DAY = 86_400_000;

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-pki-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** `openssl verify` on PEM strings; returns its exit status and output. */
function opensslVerify(dir: string, caPem: string, leafPem: string, ...flags: string[]): { ok: boolean; output: string } {
  writeFileSync(join(dir, 'verify-ca.crt'), caPem);
  writeFileSync(join(dir, 'verify-leaf.crt'), leafPem);
  const run = spawnSync('/usr/bin/openssl', ['verify', ...flags, '-CAfile', join(dir, 'verify-ca.crt'), join(dir, 'verify-leaf.crt')], {
    encoding: 'utf8',
  });
  return { ok: run.status === 0, output: `${run.stdout}${run.stderr}` };
}

function opensslText(dir: string, pem: string): string {
  writeFileSync(join(dir, 'text.crt'), pem);
  return spawnSync('/usr/bin/openssl', ['x509', '-noout', '-text', '-in', join(dir, 'text.crt')], { encoding: 'utf8' }).stdout;
}

const serverOptions: IssueOptions = {
  commonName: 'tokenmanager',
  usage: 'both',
  uris: ['spiffe://tessera.dev/tokenmanager'],
  dnsNames: ['tokenmanager', 'localhost'],
  ipAddresses: ['127.0.0.1', '::1'],
};

async function clientOf(ca: CertificateAuthority, name: string, usage: 'client' | 'server' = 'client'): Promise<PemPair> {
  return ca.issue({ commonName: name, usage, uris: [spiffeId('tessera.dev', name)], dnsNames: [name] });
}

interface HandshakeResult {
  protocol?: string | null;
  /** The client certificate's SANs as the server saw them; unset when the server refused it. */
  clientSanOnServer?: string;
  /** Why the server refused the client certificate (an OpenSSL verify code). */
  refusal?: string;
  received: string;
}

/** One mTLS connection to a server that requires a client certificate from `serverCa`. */
async function handshake(server: PemPair & { caPem: string }, client: PemPair & { caPem: string }): Promise<HandshakeResult> {
  const result: HandshakeResult = { received: '' };
  const tlsServer = createServer({
    key: server.keyPem,
    cert: server.certPem,
    ca: server.caPem,
    requestCert: true,
    rejectUnauthorized: true,
    minVersion: 'TLSv1.3',
  });
  tlsServer.on('secureConnection', (socket) => {
    result.clientSanOnServer = socket.getPeerCertificate().subjectaltname;
    socket.end('hello');
  });
  // Node verifies the client chain after the handshake and then destroys the socket, so the
  // reason is on the socket, not in the error (a bare "socket hang up").
  tlsServer.on('tlsClientError', (_error, socket) => {
    result.refusal = String(socket.authorizationError);
  });
  await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
  const { port } = tlsServer.address() as AddressInfo;
  // Dialing the IP literal makes the client check the server certificate's IP SAN.
  const socket = connect({ host: '127.0.0.1', port, ca: client.caPem, cert: client.certPem, key: client.keyPem, minVersion: 'TLSv1.3' });
  await new Promise<void>((resolve) => {
    socket.on('secureConnect', () => (result.protocol = socket.getProtocol()));
    socket.on('data', (chunk: Buffer) => (result.received += chunk.toString()));
    socket.on('error', () => {}); // a refused client certificate surfaces as an alert here
    socket.on('close', () => resolve());
  });
  await new Promise((resolve) => tlsServer.close(resolve));
  return result;
}

test('a leaf verifies against its CA with node and openssl and carries the names asked for', async (t) => {
  const dir = tempDir(t);
  const ca = await createCertificateAuthority({ commonName: 'Tessera test CA' });
  const leaf = await ca.issue(serverOptions);
  const caCert = new X509Certificate(ca.certPem);
  const cert = new X509Certificate(leaf.certPem);

  assert.ok(cert.verify(caCert.publicKey));
  assert.ok(cert.checkIssued(caCert));
  assert.equal(cert.ca, false);
  assert.equal(cert.subject, 'CN=tokenmanager');
  const san = cert.subjectAltName ?? '';
  assert.match(san, /URI:spiffe:\/\/tessera\.dev\/tokenmanager/);
  assert.match(san, /DNS:localhost/);
  assert.match(san, /DNS:tokenmanager/);
  assert.match(san, /IP Address:127\.0\.0\.1/);
  assert.match(san, /IP Address:0:0:0:0:0:0:0:1/);
  assert.deepEqual([...(cert.keyUsage ?? [])].sort(), [SERVER_AUTH, CLIENT_AUTH]);
  assert.ok(cert.checkPrivateKey(createPrivateKey(leaf.keyPem)));
  assert.match(leaf.keyPem, /^-----BEGIN PRIVATE KEY-----\n/);

  // -x509_strict adds the RFC 5280 profile checks (key identifiers, critical flags, SAN rules).
  const verified = opensslVerify(dir, ca.certPem, leaf.certPem, '-x509_strict');
  assert.ok(verified.ok, verified.output);
  assert.ok(opensslVerify(dir, ca.certPem, leaf.certPem, '-purpose', 'sslserver').ok);
  assert.ok(opensslVerify(dir, ca.certPem, leaf.certPem, '-purpose', 'sslclient').ok);

  const text = opensslText(dir, leaf.certPem);
  assert.match(text, /Basic Constraints: critical\s+CA:FALSE/);
  assert.match(text, /Key Usage: critical\s+Digital Signature\n/);
  assert.match(text, /Subject Key Identifier/);
  assert.match(text, /Authority Key Identifier/);
  assert.match(text, /Subject Alternative Name: \n/); // no "critical"
  assert.match(text, /ecdsa-with-SHA256/);
  assert.match(text, /NIST CURVE: P-256/);
});

test('the CA is a critical pathlen-0 CA that may only sign certificates and CRLs', async (t) => {
  const dir = tempDir(t);
  const ca = await createCertificateAuthority({ commonName: 'Tessera test CA' });
  const cert = new X509Certificate(ca.certPem);
  assert.equal(cert.ca, true);
  assert.equal(cert.subject, 'CN=Tessera test CA');
  const text = opensslText(dir, ca.certPem);
  assert.match(text, /Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
  assert.match(text, /Key Usage: critical\s+Certificate Sign, CRL Sign\n/);
  assert.match(text, /Subject Key Identifier/);
  const years = (Date.parse(cert.validTo) - Date.now()) / (365.25 * DAY);
  assert.ok(years > 9.9 && years < 10.1, `CA valid for ${years} years`);
});

test('extendedKeyUsage follows usage, and openssl holds a certificate to it', async (t) => {
  const dir = tempDir(t);
  const ca = await createCertificateAuthority({ commonName: 'Tessera test CA' });
  const server = await ca.issue({ ...serverOptions, usage: 'server' });
  const client = await clientOf(ca, 'demo-service');
  assert.deepEqual(new X509Certificate(server.certPem).keyUsage, [SERVER_AUTH]);
  assert.deepEqual(new X509Certificate(client.certPem).keyUsage, [CLIENT_AUTH]);
  assert.ok(opensslVerify(dir, ca.certPem, client.certPem, '-purpose', 'sslclient').ok);
  assert.equal(opensslVerify(dir, ca.certPem, client.certPem, '-purpose', 'sslserver').ok, false);
  assert.equal(opensslVerify(dir, ca.certPem, server.certPem, '-purpose', 'sslclient').ok, false);
});

test('validity: defaults, an explicit window, and an expired certificate on request', async (t) => {
  const dir = tempDir(t);
  const ca = await createCertificateAuthority({ commonName: 'Tessera test CA' });
  const defaults = new X509Certificate((await clientOf(ca, 'demo-service')).certPem);
  assert.ok(Date.now() - Date.parse(defaults.validFrom) >= 4 * 60_000, 'backdated by about five minutes');
  assert.ok(Math.abs(Date.parse(defaults.validTo) - Date.now() - 365 * DAY) < 60_000);

  const notBefore = new Date('2030-01-01T00:00:00Z');
  const notAfter = new Date('2030-02-01T00:00:00Z');
  const window = new X509Certificate((await ca.issue({ ...serverOptions, notBefore, notAfter })).certPem);
  assert.equal(Date.parse(window.validFrom), notBefore.getTime());
  assert.equal(Date.parse(window.validTo), notAfter.getTime());

  // Only a past notAfter: the default window ends there instead of failing.
  const expired = await ca.issue({ ...serverOptions, notAfter: new Date(Date.now() - DAY) });
  assert.ok(Date.parse(new X509Certificate(expired.certPem).validTo) < Date.now());
  const verified = opensslVerify(dir, ca.certPem, expired.certPem);
  assert.equal(verified.ok, false);
  assert.match(verified.output, /certificate has expired/);

  await assert.rejects(ca.issue({ ...serverOptions, notBefore: notAfter, notAfter: notBefore }), /must be after notBefore/);
});

test('serials are 16 random bytes and positive', async () => {
  const ca = await createCertificateAuthority({ commonName: 'Tessera test CA' });
  const serials = await Promise.all(
    Array.from({ length: 20 }, async () => new x509.X509Certificate((await clientOf(ca, 'demo-service')).certPem).serialNumber),
  );
  for (const serial of serials) {
    assert.equal(serial.length, 32, serial);
    assert.ok(Number.parseInt(serial.slice(0, 2), 16) < 0x80, serial);
  }
  assert.equal(new Set(serials).size, serials.length);
});

test('names are validated; an IPv4-mapped IPv6 address is encoded correctly', async () => {
  const ca = await createCertificateAuthority({ commonName: 'Tessera test CA' });
  await assert.rejects(ca.issue({ ...serverOptions, ipAddresses: ['127.0.0.256'] }), /not an IP address/);
  await assert.rejects(ca.issue({ ...serverOptions, dnsNames: ['bad name'] }), /not a DNS name/);
  await assert.rejects(ca.issue({ ...serverOptions, uris: ['tokenmanager'] }), /not an absolute URI/);
  const mapped = await ca.issue({ ...serverOptions, ipAddresses: ['::ffff:10.0.0.1'] });
  assert.match(new X509Certificate(mapped.certPem).subjectAltName ?? '', /IP Address:0:0:0:0:0:FFFF:A00:1/i);
});

test('a loaded CA issues certificates that verify against the original; a foreign key is refused', async () => {
  const ca = await createCertificateAuthority({ commonName: 'Tessera test CA' });
  const loaded = await loadCertificateAuthority({ certPem: ca.certPem, keyPem: ca.keyPem });
  assert.equal(loaded.certPem, ca.certPem);
  const leaf = new X509Certificate((await loaded.issue(serverOptions)).certPem);
  assert.ok(leaf.verify(new X509Certificate(ca.certPem).publicKey));

  const other = await createCertificateAuthority({ commonName: 'Other CA' });
  await assert.rejects(loadCertificateAuthority({ certPem: ca.certPem, keyPem: other.keyPem }), /does not belong/);
  const notCa = await ca.issue(serverOptions);
  await assert.rejects(loadCertificateAuthority(notCa), /not a CA certificate/);
});

test('TLS 1.3 mutual authentication between a server and a client certificate of one CA', async () => {
  const ca = await createCertificateAuthority({ commonName: 'Tessera test CA' });
  const server = { ...(await ca.issue(serverOptions)), caPem: ca.certPem };
  const client = { ...(await clientOf(ca, 'demo-service')), caPem: ca.certPem };
  const result = await handshake(server, client);
  assert.equal(result.refusal, undefined);
  assert.equal(result.protocol, 'TLSv1.3');
  assert.equal(result.received, 'hello');
  assert.match(result.clientSanOnServer ?? '', /URI:spiffe:\/\/tessera\.dev\/demo-service/);
});

test('the server refuses a client certificate from another CA', async () => {
  const ca = await createCertificateAuthority({ commonName: 'Tessera test CA' });
  const rogue = await createCertificateAuthority({ commonName: 'Rogue CA' });
  const server = { ...(await ca.issue(serverOptions)), caPem: ca.certPem };
  const client = { ...(await clientOf(rogue, 'demo-service')), caPem: ca.certPem };
  const result = await handshake(server, client);
  assert.equal(result.clientSanOnServer, undefined);
  assert.equal(result.received, '');
  assert.equal(result.refusal, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
});

test('the server refuses a client certificate without clientAuth', async () => {
  const ca = await createCertificateAuthority({ commonName: 'Tessera test CA' });
  const server = { ...(await ca.issue(serverOptions)), caPem: ca.certPem };
  const client = { ...(await clientOf(ca, 'demo-service', 'server')), caPem: ca.certPem };
  const result = await handshake(server, client);
  assert.equal(result.clientSanOnServer, undefined);
  assert.equal(result.received, '');
  assert.equal(result.refusal, 'INVALID_PURPOSE'); // a serverAuth-only certificate cannot authenticate a client
});

test('spiffeId builds the URI and rejects what SPIFFE does not allow', () => {
  assert.equal(spiffeId('tessera.dev', 'tokenmanager'), 'spiffe://tessera.dev/tokenmanager');
  assert.throws(() => spiffeId('Tessera.dev', 'x'), /trust domain/);
  assert.throws(() => spiffeId('tessera.dev', '../x'), /path/);
  assert.throws(() => spiffeId('tessera.dev', ''), /path/);
});

const mode = (path: string) => statSync(path).mode & 0o777;

test('ensureDevPki writes the CA and every identity with private modes, then reuses them', async (t) => {
  const dir = join(tempDir(t), 'pki');
  const pki = await ensureDevPki({ dir, trustDomain: 'tessera.dev' });
  assert.equal(pki.created, true);
  assert.equal(pki.dir, dir);
  assert.equal(pki.caFile, join(dir, 'ca.crt'));
  assert.equal(mode(dir), 0o700);
  assert.equal(mode(pki.caFile), 0o644);
  assert.equal(mode(join(dir, 'ca.key')), 0o600);
  const caPem = readFileSync(pki.caFile, 'utf8');
  const caCert = new X509Certificate(caPem);

  for (const { name, usage } of DEV_IDENTITIES) {
    const { certFile, keyFile } = pki.files(name);
    assert.equal(certFile, join(dir, `${name}.crt`));
    assert.equal(keyFile, join(dir, `${name}.key`));
    assert.equal(mode(certFile), 0o644, certFile);
    assert.equal(mode(keyFile), 0o600, keyFile);
    const cert = new X509Certificate(readFileSync(certFile));
    assert.ok(cert.verify(caCert.publicKey), name);
    const san = cert.subjectAltName ?? '';
    assert.match(san, new RegExp(`URI:spiffe://tessera\\.dev/${name}(,|$)`));
    assert.match(san, new RegExp(`DNS:${name}(,|$)`));
    const server = usage !== 'client';
    assert.equal(/DNS:localhost/.test(san), server, `${name}: ${san}`);
    assert.equal(/IP Address:127\.0\.0\.1/.test(san), server, `${name}: ${san}`);
    assert.equal(/IP Address:0:0:0:0:0:0:0:1/.test(san), server, `${name}: ${san}`);
    assert.deepEqual([...(cert.keyUsage ?? [])].sort(), usage === 'client' ? [CLIENT_AUTH] : [SERVER_AUTH, CLIENT_AUTH]);
  }

  const leafBefore = readFileSync(pki.files('tokenmanager').certFile, 'utf8');
  const again = await ensureDevPki({ dir, trustDomain: 'tessera.dev' });
  assert.equal(again.created, false);
  assert.deepEqual(again.tightened, []);
  assert.equal(readFileSync(pki.caFile, 'utf8'), caPem);
  assert.equal(readFileSync(pki.files('tokenmanager').certFile, 'utf8'), leafBefore);
});

test('ensureDevPki reissues only what is missing or stale, under the same CA', async (t) => {
  const dir = join(tempDir(t), 'pki');
  const pki = await ensureDevPki({ dir, trustDomain: 'tessera.dev' });
  const caPem = readFileSync(pki.caFile, 'utf8');
  const authserver = readFileSync(pki.files('authserver').certFile, 'utf8');
  unlinkSync(pki.files('demo-admin').keyFile);

  const repaired = await ensureDevPki({ dir, trustDomain: 'tessera.dev' });
  assert.equal(repaired.created, true);
  assert.equal(readFileSync(pki.caFile, 'utf8'), caPem);
  assert.equal(readFileSync(pki.files('authserver').certFile, 'utf8'), authserver);
  const demoAdmin = new X509Certificate(readFileSync(pki.files('demo-admin').certFile));
  assert.ok(demoAdmin.checkPrivateKey(createPrivateKey(readFileSync(pki.files('demo-admin').keyFile))));

  // Another trust domain changes every identity, not the CA.
  await ensureDevPki({ dir, trustDomain: 'example.org' });
  assert.equal(readFileSync(pki.caFile, 'utf8'), caPem);
  assert.match(new X509Certificate(readFileSync(pki.files('authserver').certFile)).subjectAltName ?? '', /spiffe:\/\/example\.org\/authserver/);
});

test('ensureDevPki with force recreates everything; a broken CA is refused without it', async (t) => {
  const dir = join(tempDir(t), 'pki');
  const pki = await ensureDevPki({ dir, trustDomain: 'tessera.dev' });
  const caPem = readFileSync(pki.caFile, 'utf8');
  const leafPem = readFileSync(pki.files('idp-gateway').certFile, 'utf8');

  const forced = await ensureDevPki({ dir, trustDomain: 'tessera.dev', force: true });
  assert.equal(forced.created, true);
  const newCaPem = readFileSync(pki.caFile, 'utf8');
  assert.notEqual(newCaPem, caPem);
  assert.notEqual(readFileSync(pki.files('idp-gateway').certFile, 'utf8'), leafPem);
  assert.ok(new X509Certificate(readFileSync(pki.files('idp-gateway').certFile)).verify(new X509Certificate(newCaPem).publicKey));
  assert.equal(mode(join(dir, 'ca.key')), 0o600);

  // A key that is not the CA's: refused rather than silently replaced.
  writeFileSync(join(dir, 'ca.key'), readFileSync(pki.files('authserver').keyFile));
  await assert.rejects(ensureDevPki({ dir, trustDomain: 'tessera.dev' }), /cannot be used.*--force/);
  assert.equal((await ensureDevPki({ dir, trustDomain: 'tessera.dev', force: true })).created, true);
});

test('ensureDevPki sets a loosened key, the CA key and the directory back to private modes, and says so', async (t) => {
  const dir = join(tempDir(t), 'pki');
  const pki = await ensureDevPki({ dir, trustDomain: 'tessera.dev' });
  const { keyFile } = pki.files('tokenmanager');
  const caKey = join(dir, 'ca.key');
  const contents = (path: string) => readFileSync(path, 'utf8');
  const [keyPem, caKeyPem, caPem] = [contents(keyFile), contents(caKey), contents(pki.caFile)];

  chmodSync(keyFile, 0o644);
  const leaf = await ensureDevPki({ dir, trustDomain: 'tessera.dev' });
  assert.equal(mode(keyFile), 0o600);
  assert.deepEqual(leaf.tightened, [keyFile]);
  assert.equal(leaf.created, false, 'tightened, not regenerated');
  assert.equal(contents(keyFile), keyPem);

  chmodSync(caKey, 0o644);
  chmodSync(dir, 0o755);
  const caAndDir = await ensureDevPki({ dir, trustDomain: 'tessera.dev' });
  assert.equal(mode(caKey), 0o600);
  assert.equal(mode(dir), 0o700);
  assert.deepEqual(caAndDir.tightened, [dir, caKey]);
  assert.equal(caAndDir.created, false);
  assert.equal(contents(caKey), caKeyPem);
  assert.equal(contents(pki.caFile), caPem);

  // Any access by group or others counts, and a key of no current identity is checked too.
  const stray = join(dir, 'retired-service.key');
  writeFileSync(stray, keyPem, { mode: 0o600 });
  chmodSync(stray, 0o604);
  chmodSync(pki.files('authserver').keyFile, 0o620);
  const more = await ensureDevPki({ dir, trustDomain: 'tessera.dev' });
  assert.deepEqual(more.tightened, [pki.files('authserver').keyFile, stray]);
  assert.equal(mode(stray), 0o600);
  assert.deepEqual((await ensureDevPki({ dir, trustDomain: 'tessera.dev' })).tightened, []);
});

test('ensureDevPki fails, naming the file, on a key of another user; force replaces it', { skip: process.getuid?.() !== 0 && 'needs root to chown' }, async (t) => {
  const dir = join(tempDir(t), 'pki');
  const pki = await ensureDevPki({ dir, trustDomain: 'tessera.dev' });
  const caKey = join(dir, 'ca.key');
  chownSync(caKey, 65534, 65534);
  await assert.rejects(ensureDevPki({ dir, trustDomain: 'tessera.dev' }), (error: Error) => error.message.includes(`${caKey} belongs to uid 65534`));
  const forced = await ensureDevPki({ dir, trustDomain: 'tessera.dev', force: true });
  assert.equal(forced.created, true);
  assert.equal(statSync(caKey).uid, 0);
  assert.equal(mode(caKey), 0o600);

  chownSync(dir, 65534, 65534);
  await assert.rejects(ensureDevPki({ dir, trustDomain: 'tessera.dev' }), (error: Error) => error.message.includes(`${pki.dir} belongs to uid 65534`));
});

test('ensureDevPki rejects identity names that would clash with the CA files or escape the directory', async (t) => {
  const dir = join(tempDir(t), 'pki');
  await assert.rejects(ensureDevPki({ dir, trustDomain: 'tessera.dev', identities: [{ name: 'ca', usage: 'both' }] }), /invalid dev identity/);
  await assert.rejects(ensureDevPki({ dir, trustDomain: 'tessera.dev', identities: [{ name: '../x', usage: 'both' }] }), /invalid dev identity/);
  await assert.rejects(ensureDevPki({ dir, trustDomain: 'Bad Domain' }), /trust domain/);
});
