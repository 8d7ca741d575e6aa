import type { IncomingMessage } from 'node:http';
import type { Origin } from '../storage/model.js';

/** Where a request came from: the connection's address (a proxy in front sets it right with
 * PROXY protocol or is trusted at the ingress; forwarded headers are not believed here). */
export function originOf(req: IncomingMessage): Origin {
  return { ipAddress: req.socket.remoteAddress ?? 'unknown', userAgent: (req.headers['user-agent'] ?? '').slice(0, 256) };
}
