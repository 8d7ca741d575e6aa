import type { z } from 'zod';
import { known, quote } from './config-error.js';
import type { IdpConfig } from './idp.js';
import type { RegistryConfig } from './registry.js';
import { DNS_NAME } from './scalars.js';
import { isSpiffeIdIn } from './spiffe.js';
import { missingTlsKeys, type PartialTlsFiles } from './tls-files.js';

interface Whole {
  trustDomain: string;
  tls: PartialTlsFiles;
  registry: RegistryConfig;
  idps: Record<string, IdpConfig>;
  apps: Partial<Record<'tokenmanager' | 'idpGateway' | 'authserver', { tls?: PartialTlsFiles | undefined } | undefined>>;
}

/**
 * The references that cross sections: VOs and users name IdPs, service identities live in the
 * trust domain, and each mTLS app needs a complete set of files once merged with the default.
 */
export function checkCrossReferences(config: Whole, ctx: z.RefinementCtx): void {
  const issue = (path: PropertyKey[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  const idps = Object.keys(config.idps);
  const { registry } = config;

  for (const [name, vo] of Object.entries(registry.vos)) {
    if (!Object.hasOwn(config.idps, vo.idp)) issue(['registry', 'vos', name, 'idp'], `unknown IdP ${quote(vo.idp)} ${known(idps)}`);
  }
  for (const [name, user] of Object.entries(registry.users)) {
    for (const idp of Object.keys(user.subjects)) {
      if (!Object.hasOwn(config.idps, idp)) issue(['registry', 'users', name, 'subjects', idp], `unknown IdP ${quote(idp)} ${known(idps)}`);
    }
  }

  // §4 of the design: a caller is its URI SAN (SPIFFE ID in our trust domain), else its DNS SAN.
  const spiffePrefix = `spiffe://${config.trustDomain}/`;
  for (const identity of Object.keys(registry.services)) {
    const ok = identity.startsWith('spiffe://') ? isSpiffeIdIn(config.trustDomain, identity) : DNS_NAME.test(identity);
    if (!ok) issue(['registry', 'services', identity], `expected "${spiffePrefix}<name>" or a DNS name, got ${quote(identity)}`);
  }

  for (const app of ['tokenmanager', 'idpGateway', 'authserver'] as const) {
    const section = config.apps[app];
    if (section === undefined) continue;
    for (const key of missingTlsKeys(section.tls, config.tls)) {
      issue(['apps', app, 'tls', key], 'missing (set it here or in the top-level tls)');
    }
  }
}
