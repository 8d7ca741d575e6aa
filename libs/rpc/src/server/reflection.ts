import { create, toBinary, type DescFile, type DescService } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { loadFileDescriptorSetFromBuffer, loadSync, type PackageDefinition } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { protoPath as healthProtoPath } from 'grpc-health-check';

/**
 * Server reflection (v1 and v1alpha) for the given services and for grpc.health.v1, built from the
 * descriptors compiled into the generated code, so what reflection describes is exactly what the
 * server decodes.
 */
export function createReflection(services: readonly DescService[]): ReflectionService {
  const files = new Map<string, DescFile>();
  const visit = (file: DescFile): void => {
    if (files.has(file.name)) return;
    file.dependencies.forEach(visit);
    files.set(file.name, file);
  };
  services.forEach((service) => visit(service.file));
  const set = create(FileDescriptorSetSchema, { file: [...files.values()].map((f) => f.proto) });
  const ours = loadFileDescriptorSetFromBuffer(Buffer.from(toBinary(FileDescriptorSetSchema, set)));
  const health = loadSync(healthProtoPath);
  const definition: PackageDefinition = { ...health, ...ours };
  return new ReflectionService(definition);
}
