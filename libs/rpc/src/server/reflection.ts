import { toBinary, type DescFile, type DescService } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import type { PackageDefinition } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { HealthService } from '@tessera/contracts';

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
  [...services, HealthService].forEach((service) => visit(service.file));
  // @grpc/reflection indexes whatever `fileDescriptorProtos` the definition's entries carry. The
  // original descriptors are handed over as they are: a round trip through proto-loader would
  // merge files and drop their dependency lists, which breaks clients that link the schema.
  const ours = { fileDescriptorProtos: [...files.values()].map((f) => Buffer.from(toBinary(FileDescriptorProtoSchema, f.proto))) };
  const definition = { 'tessera.descriptors': ours } as unknown as PackageDefinition;
  return new ReflectionService(definition);
}
