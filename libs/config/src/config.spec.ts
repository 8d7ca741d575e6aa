import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import YAML from 'yaml';
import { ConfigError, Secret, checkSecrets, duration, hostPort, loadConfig, requireApp } from './index.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const devYaml = readFileSync(join(repoRoot, 'config/dev.yaml'), 'utf8');
type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Writes dev.yaml, changed by `edit`, into a fresh directory (with `files`) and loads it there. */
function loadEdited(edit: (doc: Doc) => void, files: Record<string, string> = {}, env: NodeJS.ProcessEnv = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-config-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  const doc = YAML.parse(devYaml) as Doc;
  edit(doc);
  writeFileSync(join(dir, 'tessera.yaml'), YAML.stringify(doc));
  return loadConfig({ file: 'tessera.yaml', baseDir: dir, env });
}

function configError(load: () => unknown): ConfigError {
  try {
    load();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a ConfigError');
}

describe('loadConfig', () => {
  it('loads config/dev.yaml with the dev fixtures', () => {
    const config = loadConfig({ baseDir: repoRoot, env: {} });
    assert.equal(config.trustDomain, 'tessera.dev');
    assert.deepEqual(config.registry.users['alice']?.groups, ['dirac_user', 'dirac_admin']);
    assert.equal(config.idps['dev-idp']?.timeout, 5000);
    assert.equal(config.idps['dev-idp']?.clientSecrets[0]?.reveal(), 'dev-idp-gateway-secret');
    const tm = requireApp(config, 'tokenmanager');
    assert.deepEqual(tm.grpc, { host: '127.0.0.1', port: 50051 });
    // caFile comes from the top-level tls; paths are absolute, resolved against baseDir.
    assert.equal(tm.tls.caFile, join(repoRoot, '.dev/pki/ca.crt'));
    assert.equal(tm.tls.certFile, join(repoRoot, '.dev/pki/tokenmanager.crt'));
    assert.deepEqual(tm.database, { type: 'sqlite', path: join(repoRoot, '.dev/data/tokendb.sqlite') });
    assert.deepEqual(requireApp(config, 'devIdp').accounts.map((a) => a.login), ['alice', 'bob', 'mallory']);
  });

  it('takes the file from TESSERA_CONFIG', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-config-'));
    writeFileSync(join(dir, 'other.yaml'), 'trustDomain: example.org\n');
    const config = loadConfig({ baseDir: dir, env: { TESSERA_CONFIG: 'other.yaml' } });
    assert.equal(config.trustDomain, 'example.org');
    assert.equal(config.log.level, 'info');
  });

  it('applies TESSERA__ environment overrides before validation', () => {
    const config = loadConfig({
      baseDir: repoRoot,
      env: {
        TESSERA__APPS__TOKENMANAGER__GRPC: '127.0.0.1:0',
        TESSERA__LOG__LEVEL: 'debug',
        TESSERA__APPS__IDPGATEWAY__METRICS: '[::1]:0',
        'TESSERA__IDPS__DEV-IDP__SCOPES': '[openid, offline_access]',
        TESSERA__REGISTRY__USERS__ALICE__GROUPS: '[dirac_user]',
        TESSERA__APPS__TOKENMANAGER__CONNECT: '',
      },
    });
    assert.equal(config.log.level, 'debug');
    assert.deepEqual(config.apps.tokenmanager?.grpc, { host: '127.0.0.1', port: 0 });
    assert.equal(config.apps.tokenmanager?.connect, undefined);
    assert.deepEqual(config.apps.idpGateway?.metrics, { host: '::1', port: 0 });
    assert.deepEqual(config.idps['dev-idp']?.scopes, ['openid', 'offline_access']);
    assert.deepEqual(config.registry.users['alice']?.groups, ['dirac_user']);
    assert.equal(config.registry.users['ALICE'], undefined);
  });

  it('names an override that matches no key', () => {
    const error = configError(() => loadConfig({ baseDir: repoRoot, env: { TESSERA__APPS__TOKENMANAGER__GRCP: '127.0.0.1:1' } }));
    assert.match(error.message, /TESSERA__APPS__TOKENMANAGER__GRCP: unknown key "GRCP" under apps\.tokenmanager/);
  });

  it('rejects unknown keys, naming their path', () => {
    const error = configError(() => loadEdited((d) => (d['apps'].tokenmanager.grcp = '127.0.0.1:1')));
    assert.match(error.message, /^invalid configuration \(.*tessera\.yaml\): /);
    assert.match(error.message, /apps\.tokenmanager\.grcp: unknown key \(known: grpc, connect,/);
  });

  it('names a bad host:port and a bad duration', () => {
    const error = configError(() =>
      loadEdited((d) => {
        d['apps'].tokenmanager.grpc = 'localhost';
        d['idps']['dev-idp'].timeout = '5 sec';
      }),
    );
    assert.match(error.message, /apps\.tokenmanager\.grpc: expected "host:port", got "localhost"/);
    assert.match(error.message, /idps\.dev-idp\.timeout: expected a duration/);
  });

  it('names dangling references and bad identities', () => {
    const error = configError(() =>
      loadEdited((d) => {
        const r = d['registry'];
        r.groups.dirac_user.vo = 'dirca';
        r.groups.dirac_admin.properties = ['proxy-management'];
        r.services['spiffe://tessera.dev/demo-admin'] = { properties: ['ProxyManagment'] };
        r.groups.dirac_user.properties = ['NormalUser', 'TokenIssuer'];
        r.vos.lhcb = { idp: 'cern' };
        r.users.bob.groups = ['dirac_usr'];
        r.users.bob.subjects = { 'egi-checkin': 'bob' };
        r.services['spiffe://other.org/x'] = {};
        r.services['Not A Name'] = {};
        r.services['spiffe://tessera.dev/a/../demo-admin'] = {};
      }),
    );
    for (const expected of [
      'registry.groups.dirac_user.vo: unknown VO "dirca" (known: dirac, lhcb)',
      'registry.groups.dirac_admin.properties[0]: unknown property "proxy-management" (known: NormalUser, FullDelegation',
      'registry.services["spiffe://tessera.dev/demo-admin"].properties[0]: unknown property "ProxyManagment"',
      'registry.groups.dirac_user.properties[1]: TokenIssuer is for service identities only, not for groups',
      'registry.vos.lhcb.idp: unknown IdP "cern" (known: dev-idp)',
      'registry.users.bob.groups[0]: unknown group "dirac_usr" (known: dirac_user, dirac_admin)',
      'registry.users.bob.subjects.egi-checkin: unknown IdP "egi-checkin"',
      'registry.services["spiffe://other.org/x"]: expected "spiffe://tessera.dev/<name>" or a DNS name',
      'registry.services["Not A Name"]: expected',
      'registry.services["spiffe://tessera.dev/a/../demo-admin"]: expected "spiffe://tessera.dev/<name>"',
    ]) {
      assert.ok(error.message.includes(expected), `missing ${JSON.stringify(expected)} in: ${error.message}`);
    }
  });

  it('requires complete tls for each mTLS app after merging with the default', () => {
    const error = configError(() => loadEdited((d) => delete d['tls']));
    assert.match(error.message, /apps\.tokenmanager\.tls\.caFile: missing/);
    assert.match(error.message, /apps\.authserver\.tls\.caFile: missing/);
  });

  it('reports a YAML syntax error with its line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-config-'));
    writeFileSync(join(dir, 'bad.yaml'), 'trustDomain: tessera.dev\nlog:\n  level: [info\nidps: {}\n');
    const error = configError(() => loadConfig({ file: join(dir, 'bad.yaml'), env: {} }));
    assert.match(error.message, /line \d+, column \d+: YAML syntax error/);
  });

  it('requireApp names the missing section', () => {
    const config = loadEdited((d) => {
      delete d['apps'].tokenmanager;
      d['apps'].authserver.signing.keys['dev-1'] = 'a signing key';
    });
    const error = configError(() => requireApp(config, 'tokenmanager'));
    assert.match(error.message, /apps\.tokenmanager: missing/);
    assert.equal(requireApp(config, 'authserver').tokenmanager.serverName, 'tokenmanager');
  });
});

describe('secrets', () => {
  const value = 's3cr3t-VALUE-42';

  it('reads a secret from a file relative to baseDir, trimming the trailing newline', () => {
    const config = loadEdited((d) => (d['idps']['dev-idp'].clientSecrets = [{ file: 'idp-secret' }, 'old']), {
      'idp-secret': `${value}\n`,
    });
    assert.deepEqual(config.idps['dev-idp']?.clientSecrets.map((s) => s.reveal()), [value, 'old']);
  });

  it('reads secret files when used: other apps load, the app that needs the file names it', () => {
    const config = loadEdited((d) => {
      d['apps'].authserver.signing.keys['dev-1'] = { file: 'nope' };
      d['apps'].idpGateway.stateSecrets = [{ file: 'empty' }];
    }, { empty: '\n' });
    assert.doesNotThrow(() => requireApp(config, 'tokenmanager'), 'tokenmanager uses neither file');
    const missing = configError(() => requireApp(config, 'authserver'));
    assert.match(missing.message, /apps\.authserver\.signing\.keys\.dev-1\.file: cannot read secret file ".*nope" \(ENOENT\)/);
    const empty = configError(() => requireApp(config, 'idpGateway'));
    assert.match(empty.message, /apps\.idpGateway\.stateSecrets\[0\]\.file: secret file ".*empty" is empty/);
  });

  it('a rotated secret file is read again on the next use', () => {
    const config = loadEdited((d) => (d['idps']['dev-idp'].clientSecrets = [{ file: 'rotating' }]), { rotating: 'first' });
    const secret = config.idps['dev-idp']!.clientSecrets[0]!;
    assert.equal(secret.reveal(), 'first');
    writeFileSync(secret.file!, 'second\n');
    assert.equal(secret.reveal(), 'second');
  });

  it('checkSecrets applies a rule to the values and names the key', () => {
    const config = loadEdited((d) => (d['apps'].idpGateway.stateSecrets = ['short']));
    const error = configError(() => checkSecrets(config, ['apps', 'idpGateway', 'stateSecrets'], (v) => (v.length < 32 ? 'must be at least 32 characters' : undefined)));
    assert.match(error.message, /apps\.idpGateway\.stateSecrets\[0\]: must be at least 32 characters/);
    assert.ok(!error.message.includes('short'));
  });

  it('never shows its value when stringified, inspected or interpolated', () => {
    const secret = new Secret(value);
    const holder = { secret, nested: { list: [secret] } };
    for (const text of [JSON.stringify(holder), inspect(holder, { depth: 10 }), `${secret}`, String(secret), inspect(loadEdited(() => {}))]) {
      assert.ok(!text.includes(value), text);
    }
    assert.equal(JSON.stringify(secret), '"[redacted]"');
    assert.equal(inspect(secret), '[redacted]');
    assert.ok(secret.matches(value) && !secret.matches('other'));
  });

  it('never appears in a ConfigError about an invalid secret', () => {
    const cases: Array<(d: Doc) => void> = [
      (d) => (d['idps']['dev-idp'].clientSecrets = value),
      (d) => (d['apps'].authserver.signing.keys['dev-1'] = { file: 'x', value }),
      (d) => (d['oauthClients']['tessera-web'].secretHashes = [value]),
      (d) => (d['apps'].tokenmanager.database = { type: 'mariadb', url: { value } }),
      (d) => (d['idps']['dev-idp'].clientSecret = value),
    ];
    for (const edit of cases) {
      const error = configError(() => loadEdited(edit));
      assert.ok(!error.message.includes(value) && !inspect(error).includes(value), error.message);
    }
    const fromEnv = configError(() => loadEdited(() => {}, {}, { 'TESSERA__IDPS__DEV-IDP__CLIENTSECRETS': value }));
    assert.match(fromEnv.message, /idps\.dev-idp\.clientSecrets: expected a list, got string/);
    assert.ok(!fromEnv.message.includes(value));
  });
});

describe('scalar schemas', () => {
  it('hostPort parses IPv4, names and bracketed IPv6, and rejects bad ports', () => {
    assert.deepEqual(hostPort.parse('[::1]:50051'), { host: '::1', port: 50051 });
    assert.deepEqual(hostPort.parse('tokenmanager.tessera.svc:443'), { host: 'tokenmanager.tessera.svc', port: 443 });
    for (const bad of ['localhost', '127.0.0.1:65536', '::1:50051', ':80', 8080]) assert.equal(hostPort.safeParse(bad).success, false);
  });

  it('duration turns units into milliseconds', () => {
    assert.deepEqual(['500ms', '5s', '2m', '1h', 250].map((d) => duration.parse(d)), [500, 5000, 120_000, 3_600_000, 250]);
    for (const bad of ['5', '5 s', '1d', -1]) assert.equal(duration.safeParse(bad).success, false);
  });
});
