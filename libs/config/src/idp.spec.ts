import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { ConfigError, idpSchema, loadConfig } from './index.js';

const checkin = { issuer: 'https://aai.egi.eu/auth/realms/egi', type: 'checkin', clientId: 'tessera', clientSecrets: ['s'] };

/** The messages of a failed parse, one per issue, prefixed with the key path. */
function issues(input: unknown): string[] {
  const result = idpSchema.safeParse(input);
  assert.ok(!result.success, 'expected the IdP to be refused');
  return result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('idp entitlementNamespaces', () => {
  it('is required for a checkin IdP, with an example in the message', () => {
    assert.deepEqual(issues(checkin), ['entitlementNamespaces: required for type checkin: the entitlement namespaces whose groups are trusted, e.g. [urn:mace:egi.eu]']);
    assert.equal(issues({ ...checkin, entitlementNamespaces: [] }).length, 1, 'an empty list trusts nothing: refused too');
  });

  it('accepts AARC-G002 namespaces, as written', () => {
    const namespaces = ['urn:mace:egi.eu', 'URN:geant:h-df.de', 'urn:mace:example.org:sub:space'];
    const idp = idpSchema.parse({ ...checkin, entitlementNamespaces: namespaces });
    assert.deepEqual(idp.entitlementNamespaces, namespaces);
    assert.equal(idp.groupsClaim, 'eduperson_entitlement');
  });

  it('refuses what no entitlement namespace can be', () => {
    for (const bad of [
      'urn:mace', // no delegated namespace
      'mace:egi.eu', // not a URN
      'urn:mace:egi.eu:group', // would end at its own "group" delimiter
      'urn:mace:egi.eu:GROUP:dirac',
      'urn:mace:egi.eu#aai.egi.eu', // an authority is no part of it
      'urn:mace:egi%2Eeu', // percent-encoded
      'urn:mace::egi.eu', // empty segment
      'urn:mace:egi.eu:',
      'urn:-x:egi.eu', // RFC 8141 NID
      'urn:mace:egi eu',
      'urn:mace:egi.eu/x',
    ]) {
      const [message, ...more] = issues({ ...checkin, entitlementNamespaces: [bad] });
      assert.equal(more.length, 0, bad);
      assert.match(message ?? '', /^entitlementNamespaces\.0: expected an entitlement namespace like "urn:mace:egi\.eu"/, bad);
    }
  });

  it('is refused for other IdP types, where it would mean nothing', () => {
    for (const type of ['iam', 'generic']) {
      assert.deepEqual(issues({ ...checkin, type, entitlementNamespaces: ['urn:mace:egi.eu'] }), [`entitlementNamespaces: only for type checkin, not ${type}`]);
    }
    assert.equal(idpSchema.parse({ ...checkin, type: 'iam' }).entitlementNamespaces, undefined);
  });

  it('names the IdP key when a configuration file omits it', () => {
    const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
    const doc = YAML.parse(readFileSync(join(repoRoot, 'config/dev.yaml'), 'utf8')) as { idps: Record<string, unknown> };
    doc.idps['egi'] = { ...checkin, clientSecrets: ['egi-secret'] };
    const dir = mkdtempSync(join(tmpdir(), 'tessera-idp-'));
    writeFileSync(join(dir, 'tessera.yaml'), YAML.stringify(doc));
    assert.throws(
      () => loadConfig({ file: 'tessera.yaml', baseDir: dir, env: {} }),
      (error: unknown) => error instanceof ConfigError && /idps\.egi\.entitlementNamespaces: required for type checkin/.test(error.message),
    );
  });
});
