// The ceiling for bench/rpc: `server.ts <pki-dir>` serves Echo with @grpc/grpc-js alone (the same
// certificates and serializers as tokenmanager, nothing else) and prints its port.
import { readFileSync } from 'node:fs';
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { Server, ServerCredentials, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { TokenManagerService, tokenmanagerV1 } from '@tessera/contracts';

const [dir] = process.argv.slice(2) as [string];

async function bare(): Promise<{ port: number; close(): Promise<void> }> {
  const server = new Server({ 'grpc.max_receive_message_length': 1024 * 1024 });
  const { EchoRequestSchema: In, EchoResponseSchema: Out } = tokenmanagerV1;
  server.addService(
    {
      echo: {
        path: `/${TokenManagerService.typeName}/Echo`,
        requestStream: false,
        responseStream: false,
        requestSerialize: (m: tokenmanagerV1.EchoRequest) => Buffer.from(toBinary(In, m)),
        requestDeserialize: (b: Buffer) => fromBinary(In, b),
        responseSerialize: (m: tokenmanagerV1.EchoResponse) => Buffer.from(toBinary(Out, m)),
        responseDeserialize: (b: Buffer) => fromBinary(Out, b),
      },
    },
    {
      echo: (call: ServerUnaryCall<{ message: string }, unknown>, callback: sendUnaryData<unknown>) =>
        callback(null, { $typeName: Out.typeName, message: call.request.message }),
    },
  );
  const read = (name: string) => readFileSync(`${dir}/${name}`);
  const credentials = ServerCredentials.createSsl(read('ca.crt'), [{ cert_chain: read('tokenmanager.crt'), private_key: read('tokenmanager.key') }], true);
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', credentials, (e, p) => (e ? reject(e) : resolve(p))));
  return { port, close: () => new Promise((resolve) => server.tryShutdown(() => resolve())) };
}

const server = await bare();
console.log(JSON.stringify({ port: server.port }));
process.stdin.resume();
process.stdin.on('end', () => void server.close().then(() => process.exit(0)));
