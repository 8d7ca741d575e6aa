import type { AddressInfo, Server } from 'node:net';

/** Binds a node server (HTTP, HTTPS, HTTP/2) and resolves with the bound port (port 0 picks one). */
export async function listen(server: Server, host: string, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}
