import { z } from 'zod';
import { quote } from './config-error.js';

export interface HostPort {
  host: string;
  /** 0 asks the OS for a free port (tests). */
  port: number;
}

// `[v6-address]:port` (RFC 3986 §3.2.2 brackets) or `name-or-v4:port`.
const HOST_PORT = /^(?:\[([0-9A-Fa-f:.]+(?:%[\w.-]+)?)\]|([A-Za-z0-9._-]+)):(\d{1,5})$/;

/** `"127.0.0.1:50051"` / `"[::1]:50051"` → `{ host, port }`; IPv6 hosts lose their brackets. */
export const hostPort = z.unknown().transform((input, ctx): HostPort => {
  const match = typeof input === 'string' ? HOST_PORT.exec(input) : null;
  const port = Number(match?.[3]);
  if (!match || port > 65535) {
    const got = input === undefined ? 'missing' : `got ${quote(input)}`;
    ctx.addIssue({ code: 'custom', message: `expected "host:port", ${got}` });
    return z.NEVER;
  }
  return { host: match[1] ?? match[2] ?? '', port };
});

/** The inverse of `hostPort`, for APIs that take an address string (grpc-js `bindAsync`). */
export function formatHostPort({ host, port }: HostPort): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
