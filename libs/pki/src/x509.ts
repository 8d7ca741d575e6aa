// Every module of this library takes @peculiar/x509 from here, so the WebCrypto provider is set
// before the first certificate is built, whichever entry point is loaded first.
// @peculiar/x509 2.x loads tsyringe, which throws at import without a Reflect metadata polyfill;
// the import order is load-bearing, the polyfill has to come first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(globalThis.crypto);

export { x509 };
