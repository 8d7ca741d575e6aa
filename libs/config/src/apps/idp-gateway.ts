import { z } from 'zod';
import { hostPort } from '../host-port.js';
import { secret } from '../secret-schema.js';
import { tlsFilesSchema, type TlsFiles } from '../tls-files.js';

/** The IdPs it talks to are the top-level `idps`; this section is only where it listens. */
export const idpGatewayConfigSchema = z.strictObject({
  grpc: hostPort,
  metrics: hostPort,
  /** Optional plaintext gRPC listener serving only grpc.health.v1, for Kubernetes gRPC probes
   * (which cannot present a client certificate). Nothing else is reachable on it. */
  health: hostPort.optional(),
  tls: tlsFilesSchema.optional(),
  /** Secrets (at least 32 characters) from which the keys that seal authorization-flow state are
   * derived. The first seals; all open, so a new secret is added first and the old one removed
   * after the longest flow (10 minutes). Each must be at least 32 characters (checked at start). */
  stateSecrets: z.array(secret).min(1),
});

export type IdpGatewayConfig = Omit<z.output<typeof idpGatewayConfigSchema>, 'tls'> & { tls: TlsFiles };
