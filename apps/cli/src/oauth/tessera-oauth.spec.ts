import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freePort } from '@tessera/testing';
import { ExitCode } from '../exit-codes.js';
import { METADATA_MAX_AGE_MS, TesseraOAuth, type IssuerMetadata } from './tessera-oauth.js';

// Nothing listens at the issuer: kept metadata that is used needs no request, and metadata that
// is not used means discovery, which fails (exit 3).
const now = new Date('2026-12-01T12:00:00Z');
const kept = (issuer: string, fetchedAt: Date, extra: Record<string, unknown> = {}): IssuerMetadata => ({
  document: { issuer, token_endpoint: `${issuer}/token`, device_authorization_endpoint: `${issuer}/device_authorization`, revocation_endpoint: `${issuer}/revoke`, ...extra },
  fetchedAt: fetchedAt.toISOString(),
});
const connect = (issuer: string, issuerMetadata: IssuerMetadata) => TesseraOAuth.connect({ issuer, clientId: 'tessera-cli', issuerMetadata }, now);
const discovers = async (issuer: string, metadata: IssuerMetadata) => {
  await assert.rejects(connect(issuer, metadata), (error: { exitCode?: number }) => error.exitCode === ExitCode.issuerUnreachable);
};

test('metadata of this issuer kept less than a day is used as it is, without discovery', async () => {
  const issuer = `http://127.0.0.1:${await freePort()}`;
  const oauth = await connect(issuer, kept(issuer, new Date(now.getTime() - METADATA_MAX_AGE_MS + 60_000)));
  assert.equal(oauth.issuerMetadata.document.token_endpoint, `${issuer}/token`);
  await connect(issuer, kept(`${issuer}/`, now));
});

test('metadata of another issuer, a day old, from the future, or that openid-client refuses is discovered again', async () => {
  const issuer = `http://127.0.0.1:${await freePort()}`;
  await discovers(issuer, kept('https://elsewhere.example', now));
  await discovers(issuer, kept(issuer, new Date(now.getTime() - METADATA_MAX_AGE_MS)));
  await discovers(issuer, kept(issuer, new Date(now.getTime() + 60_000)));
  await discovers(issuer, { document: { issuer } as IssuerMetadata['document'], fetchedAt: 'not a date' });
});
