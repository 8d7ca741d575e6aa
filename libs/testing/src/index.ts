export { grpcJsClient, type GrpcJsClient, type ClientTls } from './grpc-js-client.js';
export { createTestPki, type TestPki, type PemFiles } from './test-pki.js';
export { testConfig, testEnv, REPO_ROOT } from './test-config.js';
export { startAppProcess, type AppProcess } from './app-process.js';
