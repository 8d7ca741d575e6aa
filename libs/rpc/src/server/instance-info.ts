import { hostname } from 'node:os';
import type { DescService } from '@bufbuild/protobuf';
import { timestampFromDate, timestampNow, type Timestamp } from '@bufbuild/protobuf/wkt';

/** Which running copy of a service answers: for Ping, logs and dashboards. */
export interface InstanceInfo {
  version: string;
  /** The host (the pod name in Kubernetes). */
  instance: string;
  startedAt: Date;
}

export function currentInstance(version: string): InstanceInfo {
  return { version, instance: hostname(), startedAt: new Date() };
}

/** The answer every Tessera service gives to Ping (the PingResponse messages share this shape). */
export function pingAnswer(service: DescService, info: InstanceInfo): { serverTime: Timestamp; service: string; version: string; instance: string; startedAt: Timestamp } {
  return {
    serverTime: timestampNow(),
    service: service.typeName,
    version: info.version,
    instance: info.instance,
    startedAt: timestampFromDate(info.startedAt),
  };
}
