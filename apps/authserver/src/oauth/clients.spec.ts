import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { OAuthClients } from './clients.js';
import { OAuthError } from './errors.js';
import { OAuthParameters } from './parameters.js';

const hash = (s: string) => `sha256:${createHash('sha256').update(s).digest('base64url')}`;
const clients = new OAuthClients({
  cli: { type: 'public', grantTypes: ['refresh_token'], redirectUris: [] },
  web: { type: 'confidential', secretHashes: [hash('old'), hash('new secret')], grantTypes: ['client_credentials'], redirectUris: [] },
});
const form = (s: string) => OAuthParameters.from(new URLSearchParams(s));
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof OAuthError);
    return error.error;
  }
  assert.fail('accepted');
}

describe('OAuthClients.authenticate', () => {
  it('accepts Basic (form-url-encoded parts), client_secret_post, and a public client by id', () => {
    assert.equal(clients.authenticate(basic('web', 'new secret'), form('')).id, 'web');
    assert.equal(clients.authenticate(undefined, form('client_id=web&client_secret=old')).id, 'web');
    assert.equal(clients.authenticate(undefined, form('client_id=cli')).id, 'cli');
  });

  it('refuses a wrong or missing secret, an unknown client, two methods at once, and a public client with a secret', () => {
    assert.equal(refusal(() => clients.authenticate(basic('web', 'wrong'), form(''))), 'invalid_client');
    assert.equal(refusal(() => clients.authenticate(undefined, form('client_id=web'))), 'invalid_client');
    assert.equal(refusal(() => clients.authenticate(undefined, form('client_id=nobody'))), 'invalid_client');
    assert.equal(refusal(() => clients.authenticate(undefined, form(''))), 'invalid_client');
    assert.equal(refusal(() => clients.authenticate(basic('web', 'old'), form('client_secret=old'))), 'invalid_request');
    assert.equal(refusal(() => clients.authenticate(undefined, form('client_id=cli&client_secret=x'))), 'invalid_client');
  });

  it('refuses a parameter given twice (RFC 6749 §3.2)', () => {
    assert.equal(refusal(() => form('client_id=cli&client_id=web')), 'invalid_request');
    assert.deepEqual(OAuthParameters.from(new URLSearchParams('audience=a&audience=b'), ['audience']).all('audience'), ['a', 'b']);
  });
});
