import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PeerCertificate } from 'node:tls';
import { CallerResolver, parseSubjectAltName } from './peer-identity.js';

test('parseSubjectAltName separates URI and DNS names and unquotes escaped values', () => {
  const parsed = parseSubjectAltName('URI:spiffe://tessera.dev/demo-service, DNS:demo-service, IP Address:127.0.0.1, URI:"urn:a,b"');
  assert.deepEqual(parsed.uris, ['spiffe://tessera.dev/demo-service', 'urn:a,b']);
  assert.deepEqual(parsed.dnsNames, ['demo-service']);
});

test('a caller is named by its URI SAN, else its DNS SAN, and gets registry properties', () => {
  const registry: Record<string, string[]> = { 'spiffe://tessera.dev/a': ['FullDelegation'], b: ['ProxyManagement'] };
  const resolver = new CallerResolver((id) => registry[id]);
  const cert = (san: string, fp: string) =>
    ({ raw: Buffer.from('x'), subjectaltname: san, fingerprint256: fp, valid_to: 'Jan  1 00:00:00 2030 GMT' }) as PeerCertificate;
  const a = resolver.resolve(cert('DNS:a, URI:spiffe://tessera.dev/a', '1'));
  assert.equal(a?.id, 'spiffe://tessera.dev/a');
  assert.deepEqual([...(a?.properties ?? [])], ['FullDelegation']);
  const b = resolver.resolve(cert('DNS:b', '2'));
  assert.equal(b?.id, 'b');
  assert.ok(b?.properties.has('ProxyManagement'));
  assert.equal(resolver.resolve(cert('IP Address:127.0.0.1', '3')), undefined, 'no name, no identity');
  assert.equal(resolver.resolve(undefined), undefined);
  assert.equal(resolver.resolve(cert('DNS:a, URI:spiffe://tessera.dev/a', '1')), a, 'cached by fingerprint');
});
