import type { DescService } from '@bufbuild/protobuf';
import { Code, type HandlerContext, type ServiceImpl } from '@connectrpc/connect';
import type { Logger } from 'pino';
import { callerOf } from '../auth/caller.js';
import { PermissionDeniedError, isServerFault, toConnectError } from '../errors.js';
import type { ServiceDefinition } from './define-service.js';
import type { RpcMetrics } from './rpc-metrics.js';

export interface BindOptions {
  logger: Logger;
  metrics?: RpcMetrics;
}

/**
 * Turns a service definition into a Connect `ServiceImpl` that authenticates, authorizes, maps
 * errors, logs and measures every call. This is the edge: handlers throw domain errors and the
 * wire sees a status code and a public message, nothing else.
 */
export function bindService<S extends DescService>(definition: ServiceDefinition<S>, options: BindOptions): ServiceImpl<S> {
  const { service, spec } = definition;
  const impl: Record<string, unknown> = {};
  for (const method of service.methods) {
    const methodSpec = (spec as Record<string, (typeof spec)[keyof typeof spec]>)[method.localName]!;
    const labels = { service: service.typeName, method: method.name };
    impl[method.localName] = async (request: unknown, context: HandlerContext) => {
      const stopTimer = options.metrics?.duration.startTimer(labels);
      let code = 'OK';
      try {
        const caller = callerOf(context);
        const refusal = methodSpec.allow(caller, request as never);
        if (refusal !== undefined) throw new PermissionDeniedError(`permission denied: ${refusal}`);
        return await methodSpec.handle(request as never, context);
      } catch (thrown) {
        const error = toConnectError(thrown);
        code = Code[error.code];
        const fields = { rpc: `${service.typeName}/${method.name}`, code, detail: detailOf(thrown) };
        if (isServerFault(error) && error.code !== Code.Unimplemented) options.logger.error({ ...fields, err: thrown }, 'rpc failed');
        else options.logger.info(fields, error.rawMessage);
        throw error;
      } finally {
        stopTimer?.();
        options.metrics?.handled.inc({ ...labels, code });
      }
    };
  }
  return impl as ServiceImpl<S>;
}

function detailOf(thrown: unknown): string | undefined {
  return typeof thrown === 'object' && thrown !== null && 'detail' in thrown && typeof thrown.detail === 'string'
    ? thrown.detail
    : undefined;
}
