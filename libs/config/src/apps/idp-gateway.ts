import { z } from 'zod';
import { hostPort } from '../host-port.js';
import { tlsFilesSchema, type TlsFiles } from '../tls-files.js';

/** The IdPs it talks to are the top-level `idps`; this section is only where it listens. */
export const idpGatewayConfigSchema = z.strictObject({
  grpc: hostPort,
  metrics: hostPort,
  tls: tlsFilesSchema.optional(),
});

export type IdpGatewayConfig = Omit<z.output<typeof idpGatewayConfigSchema>, 'tls'> & { tls: TlsFiles };
