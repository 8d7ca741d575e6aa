import { z } from 'zod';
import { hostPort } from '../host-port.js';
import { httpUrl } from '../scalars.js';
import { tlsFilesSchema, type TlsFiles } from '../tls-files.js';
import { upstreamSchema } from '../upstream.js';

export const authserverConfigSchema = z.strictObject({
  /** Public HTTP: OAuth endpoints, the verification page, the Connect API. */
  http: hostPort,
  /** The `iss` of Tessera's tokens and the base of its discovery documents. */
  issuer: httpUrl,
  metrics: hostPort,
  /** Client certificate for calling tokenmanager and idp-gateway. */
  tls: tlsFilesSchema.optional(),
  tokenmanager: upstreamSchema,
  idpGateway: upstreamSchema,
});

export type AuthserverConfig = Omit<z.output<typeof authserverConfigSchema>, 'tls'> & { tls: TlsFiles };
