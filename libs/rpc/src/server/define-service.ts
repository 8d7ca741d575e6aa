import type { DescMethodUnary, DescService, MessageInitShape, MessageShape } from '@bufbuild/protobuf';
import type { HandlerContext } from '@connectrpc/connect';
import type { Rule } from '../auth/rules.js';
import { ServiceError, Code } from '../errors.js';

type UnaryInput<M> = M extends DescMethodUnary<infer I, infer _O> ? MessageShape<I> : never;
type UnaryOutput<M> = M extends DescMethodUnary<infer _I, infer O> ? MessageInitShape<O> : never;

/** One RPC: who may call it, and what it does. */
export interface MethodSpec<M> {
  allow: Rule<UnaryInput<M>>;
  handle(request: UnaryInput<M>, context: HandlerContext): Promise<UnaryOutput<M>> | UnaryOutput<M>;
}

export type ServiceSpec<S extends DescService> = { [P in keyof S['method']]: MethodSpec<S['method'][P]> };

/**
 * A service implementation whose every method declares its authorization rule beside its handler
 * (as DIRAC's `auth_<method>` did). It is independent of the runtime: the gRPC server and the
 * Connect server both serve it through `bindService`.
 */
export interface ServiceDefinition<S extends DescService = DescService> {
  readonly service: S;
  readonly spec: ServiceSpec<S>;
}

export function defineService<S extends DescService>(service: S, spec: ServiceSpec<S>): ServiceDefinition<S> {
  for (const method of service.methods) {
    if (method.methodKind !== 'unary') {
      throw new Error(`${service.typeName}.${method.name}: only unary methods are supported`);
    }
    if (!(method.localName in spec)) throw new Error(`${service.typeName}.${method.name}: no handler`);
  }
  return { service, spec };
}

/** A handler for a method whose implementation has not landed yet. */
export function notImplemented<M>(allow: Rule<UnaryInput<M>>, what: string): MethodSpec<M> {
  return {
    allow,
    handle() {
      throw new ServiceError(Code.Unimplemented, `${what} is not implemented yet`);
    },
  };
}

/**
 * Every method of a service answering UNIMPLEMENTED behind one rule: the starting point for test
 * doubles and benchmarks that implement a few methods and spread the rest from here.
 */
export function unimplementedMethods<S extends DescService>(service: S, allow: Rule): ServiceSpec<S> {
  return Object.fromEntries(service.methods.map((m) => [m.localName, notImplemented(allow, m.name)])) as ServiceSpec<S>;
}
