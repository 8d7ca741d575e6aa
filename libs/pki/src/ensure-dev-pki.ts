import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { chmod, mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createCertificateAuthority } from './create-certificate-authority.js';
import { DEV_IDENTITIES, devIssueOptions, type DevIdentity } from './dev-identities.js';
import { isCurrentLeaf } from './is-current-leaf.js';
import { loadCertificateAuthority } from './load-certificate-authority.js';
import type { CertificateAuthority, PemPair } from './types.js';
import { writeFileAtomic } from './write-file-atomic.js';

export interface DevPkiOptions {
  dir: string;
  /** e.g. `tessera.dev`; each identity's URI SAN is `spiffe://<trustDomain>/<name>`. */
  trustDomain: string;
  identities?: readonly DevIdentity[];
  /** Recreate the CA and every identity even when usable files exist. */
  force?: boolean;
  /** Token-signing keys to create when missing, as `<name>.key` (EC P-256, PKCS#8 PEM): the
   * authserver's JWT keys. An existing key is kept, so tokens it signed stay verifiable. */
  signingKeys?: readonly string[];
}

/** The authserver's dev signing key (config/dev.yaml names its file). */
export const DEV_SIGNING_KEYS = ['authserver-signing-dev-1'] as const;

export interface DevPki {
  /** Absolute, so it stays right for processes started in another directory. */
  dir: string;
  caFile: string;
  files(name: string): { certFile: string; keyFile: string };
  /** Whether this call wrote any file. */
  created: boolean;
  /** The directory and private keys that group or others could open, set back to private modes. */
  tightened: string[];
}

const KEY_MODE = 0o600;
const CERT_MODE = 0o644;
const DIR_MODE = 0o700;
// Identity files sit beside the CA's, so an identity may not take the CA's file names.
const IDENTITY_NAME = /^[a-z0-9][a-z0-9._-]*$/;

/**
 * The dev PKI (DESIGN: `.dev/pki/` with ca.crt, ca.key and <name>.crt/<name>.key): writes what
 * is missing or stale and reuses an existing CA, so certificates already handed out stay trusted.
 * Not safe against two processes creating the same directory at the same moment.
 */
export async function ensureDevPki(options: DevPkiOptions): Promise<DevPki> {
  const dir = resolve(options.dir);
  const identities = options.identities ?? DEV_IDENTITIES;
  checkIdentityNames(identities);
  const files = (name: string) => ({ certFile: join(dir, `${name}.crt`), keyFile: join(dir, `${name}.key`) });
  const caFiles = files('ca');
  // Every identity's options first, so a bad trust domain fails before anything is written.
  const plan = identities.map((identity) => ({ wanted: devIssueOptions(identity, options.trustDomain), paths: files(identity.name) }));

  await mkdir(dir, { recursive: true, mode: DIR_MODE }); // its mode applies only to a directory it creates
  // Keys that force replaces are not checked, so --force also mends a key owned by another user.
  const replaced = new Set(options.force ? [caFiles.keyFile, ...plan.map(({ paths }) => paths.keyFile)] : []);
  const tightened = await tightenModes(dir, replaced);
  let created = false;
  let ca = options.force ? undefined : await readCa(caFiles.certFile, caFiles.keyFile);
  const newCa = ca === undefined;
  if (ca === undefined) {
    ca = await createCertificateAuthority({ commonName: `Tessera dev CA (${options.trustDomain})` });
    await writePair(ca, caFiles);
    created = true;
  }
  for (const { wanted, paths } of plan) {
    // A new CA invalidates every leaf; otherwise only missing or stale ones are reissued.
    if (!newCa) {
      const existing = await readPair(paths);
      if (existing && isCurrentLeaf(existing, ca.certPem, wanted)) continue;
    }
    await writePair(await ca.issue(wanted), paths);
    created = true;
  }
  for (const name of options.signingKeys ?? DEV_SIGNING_KEYS) {
    const keyFile = join(dir, `${name}.key`);
    if (!options.force && (await readIfExists(keyFile)) !== undefined) continue;
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await writeFileAtomic(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, KEY_MODE);
    created = true;
  }
  return { dir, caFile: caFiles.certFile, files, created, tightened };
}

/**
 * The existing CA, or undefined when there is none to reuse (a file is missing, or it expired).
 * A CA that is present but broken is an error rather than silently replaced: whatever trusts it
 * would stop working, so recreating it is left to an explicit `force`.
 */
async function readCa(certFile: string, keyFile: string): Promise<CertificateAuthority | undefined> {
  const pair = await readPair({ certFile, keyFile });
  if (pair === undefined) return undefined;
  try {
    if (Date.parse(new X509Certificate(pair.certPem).validTo) <= Date.now()) return undefined;
    return await loadCertificateAuthority(pair);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`the dev CA in ${certFile} cannot be used (${reason}); recreate it with force (--force)`, { cause: error });
  }
}

async function readPair(paths: { certFile: string; keyFile: string }): Promise<PemPair | undefined> {
  const [certPem, keyPem] = await Promise.all([readIfExists(paths.certFile), readIfExists(paths.keyFile)]);
  return certPem === undefined || keyPem === undefined ? undefined : { certPem, keyPem };
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Checked on every run, not only when the files are written: a mode loosened later (`chmod 644
 * ca.key`, a copy, an unpacked archive) would otherwise stay. A loosened key is tightened, not
 * regenerated: it is a dev key. The dev CA is trusted only by the dev stack and where ca.crt is
 * passed explicitly (`--cacert`); nothing installs it in a system trust store. Whoever read a key
 * could at most pose as a dev service on this machine, while a new CA would break every certificate
 * and `--cacert` in use. The result names what was tightened; whoever thinks a key leaked, or
 * trusts ca.crt more widely, recreates everything with --force.
 */
async function tightenModes(dir: string, replaced: ReadonlySet<string>): Promise<string[]> {
  if (process.platform === 'win32') return []; // no POSIX modes to check: access there is by ACL
  const tightened: string[] = [];
  if (await tighten(dir, DIR_MODE)) tightened.push(dir);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isFile() && entry.name.endsWith('.key') && !replaced.has(path) && (await tighten(path, KEY_MODE))) tightened.push(path);
  }
  return tightened.sort();
}

/**
 * Sets `path` to `mode` when group or others have any access, and says whether it did. A file of
 * another user is an error whatever its mode: that user can read it, and loosen it again.
 */
async function tighten(path: string, mode: number): Promise<boolean> {
  const info = await stat(path);
  const me = process.getuid?.();
  if (me !== undefined && info.uid !== me) {
    throw new Error(`${path} belongs to uid ${info.uid}, not to this user (uid ${me}), so it cannot be made private; chown or remove it`);
  }
  if ((info.mode & 0o077) === 0) return false;
  await chmod(path, mode);
  return true;
}

// Two renames, so a crash in between leaves a key that does not match its certificate: the next
// run reissues such a leaf, and refuses such a CA until it is recreated with force.
async function writePair(pair: PemPair, paths: { certFile: string; keyFile: string }): Promise<void> {
  await writeFileAtomic(paths.keyFile, pair.keyPem, KEY_MODE);
  await writeFileAtomic(paths.certFile, pair.certPem, CERT_MODE);
}

function checkIdentityNames(identities: readonly DevIdentity[]): void {
  const seen = new Set<string>();
  for (const { name } of identities) {
    if (!IDENTITY_NAME.test(name) || name === 'ca') throw new TypeError(`invalid dev identity name: ${JSON.stringify(name)}`);
    if (seen.has(name)) throw new TypeError(`duplicate dev identity: ${name}`);
    seen.add(name);
  }
}
