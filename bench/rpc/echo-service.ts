import { TokenManagerService } from '@tessera/contracts';
import { anyCaller, defineService, unimplementedMethods, type ServiceDefinition } from '@tessera/rpc';

/** TokenManagerService with only Echo, so the benchmark measures the RPC plane and nothing else. */
export function echoOnlyService(): ServiceDefinition<typeof TokenManagerService> {
  return defineService(TokenManagerService, {
    ...unimplementedMethods(TokenManagerService, anyCaller),
    echo: { allow: anyCaller, handle: (request) => ({ message: request.message }) },
  });
}
