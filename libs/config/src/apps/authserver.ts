import { z } from 'zod';
import { hostPort } from '../host-port.js';
import { httpUrl, nonEmpty } from '../scalars.js';
import { tlsFilesSchema, type TlsFiles } from '../tls-files.js';

/** Where to reach an internal gRPC service, and the identity its certificate must carry. */
const upstreamSchema = z.strictObject({
  address: hostPort,
  serverName: nonEmpty,
});

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

export type UpstreamConfig = z.output<typeof upstreamSchema>;
export type AuthserverConfig = Omit<z.output<typeof authserverConfigSchema>, 'tls'> & { tls: TlsFiles };
