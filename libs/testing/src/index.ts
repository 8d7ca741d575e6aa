export { grpcJsClient, type GrpcJsClient, type ClientTls } from './grpc-js-client.js';
export { createTestPki, type TestPki } from './test-pki.js';
export { testConfig, testEnv, REPO_ROOT } from './test-config.js';
export { startAppProcess, type AppProcess } from './app-process.js';
export { Browser, findForm, type Page, type HtmlForm } from './form-browser.js';
export { freePort } from './free-port.js';
export { startFaultProxy, type Fault, type FaultOptions, type FaultProxy } from './fault-proxy.js';
export { standInUserTokens } from './stand-in-user-tokens.js';
export { launchChromium, chromiumPath } from './chromium.js';
