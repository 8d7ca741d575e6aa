#!/usr/bin/env node
// `npm run --silent client-secret`: a new secret for a confidential OAuth client of Tessera's
// authserver, and the hash to configure (oauthClients.<id>.secretHashes). Give the secret to the
// client; only the hash goes into tessera.yaml.
import { createHash, randomBytes } from 'node:crypto';

const secret = randomBytes(32).toString('base64url');
const hash = `sha256:${createHash('sha256').update(secret, 'utf8').digest('base64url')}`;
console.log(`secret: ${secret}\nhash:   ${hash}`);
