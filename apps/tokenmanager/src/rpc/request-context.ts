import { randomUUID } from 'node:crypto';
import type { HandlerContext } from '@connectrpc/connect';
import { callerOf, remoteAddressKey } from '@tessera/rpc';
import type { Actor } from '../storage/model.js';
import type { RequestContext } from '../services/stored-tokens-service.js';

/** Who asks, from where, under which request id: what the history records of a call. */
export function requestContext(context: HandlerContext): RequestContext & { ipAddress: string } {
  const caller = callerOf(context);
  const actor: Actor = caller.kind === 'service' ? { kind: 'service', id: caller.id } : { kind: 'user', id: caller.id, ...(caller.via ? { viaService: caller.via.id } : {}) };
  const requestId = (context.requestHeader.get('x-request-id') ?? '').slice(0, 128) || randomUUID();
  const address = context.values.get(remoteAddressKey);
  return { actor, requestId, ipAddress: address.replace(/:\d+$/, '') };
}
