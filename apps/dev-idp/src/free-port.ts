import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A port the OS reports free right now. The issuer names its port before the provider listens,
 * so port 0 cannot be used directly; another process could take the port in between, which is
 * acceptable for tests on loopback.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
