import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClientError, ResponseBodyError } from 'openid-client';
import { ExitCode } from '../exit-codes.js';
import { translateOAuthError, type OAuthStep } from './translate-oauth-error.js';

const oauthError = (error: string, error_description?: string, status = 400) =>
  new ResponseBodyError('server responded with an error in the response body', { cause: { error, ...(error_description ? { error_description } : {}) }, response: new Response(null, { status }) });
const exitCode = (error: unknown, step: OAuthStep = 'login') => translateOAuthError(error, step, 'https://tessera.example').exitCode;

test('OAuth errors become the documented exit codes', () => {
  assert.equal(exitCode(oauthError('access_denied', 'the user denied the request')), ExitCode.accessDenied);
  assert.equal(exitCode(oauthError('access_denied', 'Your account is not a member of the group dirac_admin.')), ExitCode.notAMember);
  assert.equal(exitCode(oauthError('expired_token')), ExitCode.codeExpired);
  assert.equal(exitCode(oauthError('invalid_scope', 'unknown scope "x"')), ExitCode.usage);
  assert.equal(exitCode(oauthError('invalid_grant'), 'refresh'), ExitCode.notLoggedIn);
  assert.equal(exitCode(oauthError('invalid_request', 'bad')), ExitCode.failure);
});

test('an issuer that answers but is unavailable (5xx, temporarily_unavailable) is exit 3 too', () => {
  assert.equal(exitCode(oauthError('temporarily_unavailable')), ExitCode.issuerUnreachable);
  assert.equal(exitCode(oauthError('server_error', undefined, 500), 'refresh'), ExitCode.issuerUnreachable);
});

test('no answer from the issuer is exit 3', () => {
  const refused = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
  const translated = translateOAuthError(refused, 'discovery', 'https://tessera.example');
  assert.equal(translated.exitCode, ExitCode.issuerUnreachable);
  assert.match(translated.message, /ECONNREFUSED/);
});

test('a 5xx that is no OAuth answer (a proxy 503 page) is exit 3; the words of the issuer are shown printable and bounded', () => {
  const proxy = new ClientError('unexpected HTTP response status code', { cause: new Response('<html>down</html>', { status: 503 }) });
  const translated = translateOAuthError(proxy, 'refresh', 'https://tessera.example');
  assert.equal(translated.exitCode, ExitCode.issuerUnreachable);
  assert.match(translated.message, /answered HTTP 503/);
  const noisy = translateOAuthError(oauthError('invalid_grant', `bad\x1b[31m red\n${'x'.repeat(500)}`), 'refresh', 'https://tessera.example');
  assert.doesNotMatch(noisy.message, /[\x00-\x1f]/);
  assert.ok(noisy.message.length < 400);
});
