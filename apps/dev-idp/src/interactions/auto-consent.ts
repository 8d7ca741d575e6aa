import type { Interaction, Provider } from 'oidc-provider';

/**
 * Consent is implied in the dev stack: every client is first-party. Grants exactly what the
 * consent prompt found missing (scopes, claims, resource scopes) and returns the grant id to
 * report, or undefined when an existing grant was extended in place.
 */
export async function grantMissingConsent(provider: Provider, interaction: Interaction): Promise<string | undefined> {
  const accountId = interaction.session?.accountId;
  const clientId = interaction.params.client_id;
  if (accountId === undefined || typeof clientId !== 'string') {
    throw new Error('consent interaction without a signed-in account or a client');
  }
  const existing = interaction.grantId === undefined ? undefined : await provider.Grant.find(interaction.grantId);
  const grant = existing ?? new provider.Grant({ accountId, clientId });
  const { missingOIDCScope, missingOIDCClaims, missingResourceScopes } = interaction.prompt.details;
  if (missingOIDCScope !== undefined) grant.addOIDCScope(missingOIDCScope.join(' '));
  if (missingOIDCClaims !== undefined) grant.addOIDCClaims(missingOIDCClaims);
  for (const [resource, scopes] of Object.entries(missingResourceScopes ?? {})) {
    grant.addResourceScope(resource, scopes.join(' '));
  }
  const grantId = await grant.save();
  return existing === undefined ? grantId : undefined;
}
