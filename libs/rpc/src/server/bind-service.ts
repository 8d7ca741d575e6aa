import type { DescService } from '@bufbuild/protobuf';
import { Code, type HandlerContext, type ServiceImpl } from '@connectrpc/connect';
import type { Logger } from 'pino';
import { callerKey, peerKey, type Caller } from '../auth/caller.js';
import type { CallerResolver, CallInfo } from '../auth/caller-resolver.js';
import { PermissionDeniedError, isServerFault, toConnectError } from '../errors.js';
import type { ServiceDefinition } from './define-service.js';
import { GrpcCallContext } from './grpc-call-context.js';
import type { RpcMetrics } from './rpc-metrics.js';

export interface BindOptions {
  logger: Logger;
  /** Who may be calling: services, users, or services acting for users. */
  callers: CallerResolver;
  metrics?: RpcMetrics;
}

/**
 * Turns a service definition into a Connect `ServiceImpl` that resolves the caller, authorizes,
 * maps errors, logs and measures every call. This is the edge, the same for gRPC and Connect:
 * handlers throw domain errors and the wire sees a status code and a public message, nothing else.
 */
export function bindService<S extends DescService>(definition: ServiceDefinition<S>, options: BindOptions): ServiceImpl<S> {
  const { service, spec } = definition;
  const { callers, logger, metrics } = options;
  const impl: Record<string, unknown> = {};
  for (const method of service.methods) {
    const methodSpec = (spec as Record<string, (typeof spec)[keyof typeof spec]>)[method.localName]!;
    const rpc = `${service.typeName}/${method.name}`;
    // Label children are looked up once, not hashed from label objects on every call.
    const duration = metrics?.duration.labels(service.typeName, method.name);
    const handled = new Map<string, { inc(): void }>();
    const count = (code: string) => {
      if (!metrics) return;
      let child = handled.get(code);
      if (!child) handled.set(code, (child = metrics.handled.labels(service.typeName, method.name, code)));
      child.inc();
    };
    impl[method.localName] = async (request: unknown, context: HandlerContext) => {
      const started = performance.now();
      let caller: Caller | undefined;
      let code = 'OK';
      try {
        const resolved = callers.resolve(callInfo(context));
        caller = resolved instanceof Promise ? await resolved : resolved;
        context.values.set(callerKey, caller);
        const refusal = methodSpec.allow(caller, request as never);
        if (refusal !== undefined) throw new PermissionDeniedError(`permission denied: ${refusal}`);
        return await methodSpec.handle(request as never, context);
      } catch (thrown) {
        const error = toConnectError(thrown);
        code = Code[error.code];
        const fields = { rpc, code, caller: caller?.id, detail: detailOf(thrown) };
        if (isServerFault(error) && error.code !== Code.Unimplemented) logger.error({ ...fields, err: thrown }, 'rpc failed');
        else logger.info(fields, error.rawMessage);
        throw error;
      } finally {
        duration?.observe((performance.now() - started) / 1000);
        count(code);
      }
    };
  }
  return impl as ServiceImpl<S>;
}

function callInfo(context: HandlerContext): CallInfo {
  const peer = context.values.get(peerKey);
  // On grpc-js one header is read from the metadata without building every request header.
  if (context instanceof GrpcCallContext) return { peer, header: (name) => context.header(name) };
  return { peer, header: (name) => context.requestHeader.get(name) ?? undefined };
}

function detailOf(thrown: unknown): string | undefined {
  return typeof thrown === 'object' && thrown !== null && 'detail' in thrown && typeof thrown.detail === 'string'
    ? thrown.detail
    : undefined;
}
