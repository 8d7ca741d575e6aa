// bench/authserver: Tessera's authserver in a process of its own, so that its CPU and RSS can be
// read from /proc. The configuration is config/dev.yaml with the TESSERA__* overrides of this
// process's environment (run.ts passes testEnv(pki, …)); logs off. Prints `{"port":…}` once
// listening and closes when its stdin ends.
import { resolve } from 'node:path';
import { loadConfig } from '@tessera/config';
import { createLogger } from '@tessera/observability';
// @tessera/authserver has no entry module (its package.json names src/index.ts, which does not exist).
// eslint-disable-next-line @nx/enforce-module-boundaries
import { buildAuthServer } from '../../apps/authserver/src/factory.js';

// Not REPO_ROOT from @tessera/testing: that would load playwright-core into the measured process.
const config = loadConfig({ file: 'config/dev.yaml', baseDir: resolve(import.meta.dirname, '../..'), env: process.env });
const running = await buildAuthServer(config, { logger: createLogger({ name: 'authserver', level: 'silent' }) }).listen();
console.log(JSON.stringify({ port: running.port }));
process.stdin.resume();
process.stdin.on('end', () => void running.close().then(() => process.exit(0)));
