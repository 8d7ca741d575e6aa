import { z } from 'zod';
import { hostPort } from './host-port.js';
import { nonEmpty } from './scalars.js';

/** Where to reach an internal gRPC service that this app calls, and the identity (DNS SAN) its
 * certificate must carry. */
export const upstreamSchema = z.strictObject({
  address: hostPort,
  serverName: nonEmpty,
});

export type UpstreamConfig = z.output<typeof upstreamSchema>;
