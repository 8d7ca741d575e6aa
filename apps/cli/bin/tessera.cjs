#!/usr/bin/env node
// `tessera`, for `npx tessera` and the workspace's node_modules/.bin. It runs the single-file
// build (dist/tessera.cjs, made by `npm ci` and by `npm run build -w @tessera/cli`) when there is
// one, otherwise src/main.ts through tsx; TESSERA_CLI_SOURCE=1 runs the sources even with a build.
//
// The build is compiled with V8's code cache from dist/tessera.cjs.v8cache, which the build
// writes by running `tessera token` once: V8 then deserializes the functions that path runs
// instead of parsing and compiling them on every call. A cache made for another bundle (its size
// and modification time are recorded in it) or another Node is not used, and the build is just
// compiled. CommonJS, like the bundle, so that nothing here waits for the ES module loader.
'use strict';
const { existsSync, readFileSync, statSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { dirname, join } = require('node:path');
const vm = require('node:vm');

const bundle = join(__dirname, '../dist/tessera.cjs');
const cacheFile = `${bundle}.v8cache`;

/** The first line of the cache file: which bundle its code is for. */
function stamp(stat) {
  return Buffer.from(`tessera.cjs ${stat.size} ${stat.mtimeMs}\n`);
}

function cachedCode(expected) {
  try {
    const cache = readFileSync(cacheFile);
    return cache.subarray(0, expected.length).equals(expected) ? cache.subarray(expected.length) : undefined;
  } catch {
    return undefined;
  }
}

function runBundle() {
  const expected = stamp(statSync(bundle));
  const script = new vm.Script(Module.wrap(readFileSync(bundle, 'utf8')), { filename: bundle, cachedData: cachedCode(expected) });
  if (process.env.TESSERA_CLI_WRITE_CODE_CACHE === '1') {
    // The build's warm-up run: the cache holds every function compiled by the time it exits.
    process.once('exit', () => writeFileSync(cacheFile, Buffer.concat([expected, script.createCachedData()])));
  }
  const module_ = new Module(bundle, module);
  module_.filename = bundle;
  script.runInThisContext()(module_.exports, Module.createRequire(bundle), module_, bundle, dirname(bundle));
}

if (process.env.TESSERA_CLI_SOURCE !== '1' && existsSync(bundle)) {
  runBundle();
} else {
  import('tsx/esm/api').then(({ register }) => (register(), import('../src/main.ts')));
}
