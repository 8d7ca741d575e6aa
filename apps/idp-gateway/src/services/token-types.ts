import { idpgatewayV1 } from '@tessera/contracts';

const { TokenTypeIdentifier, TokenTypeHint } = idpgatewayV1;

/** RFC 8693 §3 token type identifiers. */
const URNS: [idpgatewayV1.TokenTypeIdentifier, string][] = [
  [TokenTypeIdentifier.ACCESS_TOKEN, 'urn:ietf:params:oauth:token-type:access_token'],
  [TokenTypeIdentifier.REFRESH_TOKEN, 'urn:ietf:params:oauth:token-type:refresh_token'],
  [TokenTypeIdentifier.ID_TOKEN, 'urn:ietf:params:oauth:token-type:id_token'],
  [TokenTypeIdentifier.JWT, 'urn:ietf:params:oauth:token-type:jwt'],
];

export function tokenTypeUrn(type: idpgatewayV1.TokenTypeIdentifier): string | undefined {
  return URNS.find(([t]) => t === type)?.[1];
}

export function tokenTypeFromUrn(urn: string | undefined): idpgatewayV1.TokenTypeIdentifier {
  return URNS.find(([, u]) => u === urn)?.[0] ?? TokenTypeIdentifier.UNSPECIFIED;
}

/** RFC 7009 §2.1 token_type_hint values. */
export function tokenTypeHint(hint: idpgatewayV1.TokenTypeHint): string | undefined {
  if (hint === TokenTypeHint.ACCESS_TOKEN) return 'access_token';
  if (hint === TokenTypeHint.REFRESH_TOKEN) return 'refresh_token';
  return undefined;
}
