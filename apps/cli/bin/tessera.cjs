#!/usr/bin/env node
// `tessera`, for `npx tessera` and the workspace's node_modules/.bin. It runs the single-file
// build (dist/tessera.cjs, made by `npm ci` and by `npm run build -w @tessera/cli`) when there is
// one, otherwise src/main.ts through tsx; TESSERA_CLI_SOURCE=1 runs the sources even with a build.
//
// The build is compiled with V8's code cache from dist/tessera.cjs.v8cache, which the build
// writes by running `tessera token` once: V8 then deserializes the functions that path runs
// instead of parsing and compiling them on every call. The bundle's first line names its build
// (a random id) and the cache begins with the same line; a cache of another build, or one another
// Node refuses, is not used and the bundle is just compiled. CommonJS, like the bundle, so that
// nothing here waits for the ES module loader.
'use strict';
const { existsSync, readFileSync, renameSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { dirname, join } = require('node:path');
const vm = require('node:vm');

const bundle = join(__dirname, '../dist/tessera.cjs');
const cacheFile = `${bundle}.v8cache`;

function cachedCode(expected) {
  try {
    const cache = readFileSync(cacheFile);
    return cache.subarray(0, expected.length).equals(expected) ? cache.subarray(expected.length) : undefined;
  } catch {
    return undefined;
  }
}

function runBundle() {
  const source = readFileSync(bundle, 'utf8');
  // `// tessera build <id>\n`, the first line of the bundle and of its cache.
  const expected = Buffer.from(source.slice(0, source.indexOf('\n') + 1));
  const cachedData = cachedCode(expected);
  const script = new vm.Script(Module.wrap(source), { filename: bundle, cachedData });
  if (process.env.TESSERA_DEBUG && (!cachedData || script.cachedDataRejected)) {
    process.stderr.write(`tessera: the code cache ${cacheFile} was not used (${cachedData ? 'refused by this Node' : 'missing, or made for another build'})\n`);
  }
  if (process.env.TESSERA_CLI_WRITE_CODE_CACHE === '1') {
    // The build's warm-up run: the cache holds every function compiled by the time it exits.
    // Written whole or not at all (the build checks it is there; a read-only install keeps none).
    process.once('exit', () => {
      try {
        const temporary = `${cacheFile}.${process.pid}.tmp`;
        writeFileSync(temporary, Buffer.concat([expected, script.createCachedData()]));
        renameSync(temporary, cacheFile);
      } catch {
        // no cache: the bundle is compiled each time
      }
    });
  }
  // The bundle ends every command with process.exit(code); a bundle that lets the process end
  // without (emptied, cut short) must not pass for a success. (Not process.exitCode up front:
  // commander's help reads it.)
  process.once('beforeExit', () => {
    process.exitCode = 1;
  });
  const module_ = new Module(bundle, module);
  module_.filename = bundle;
  script.runInThisContext()(module_.exports, Module.createRequire(bundle), module_, bundle, dirname(bundle));
}

if (process.env.TESSERA_CLI_SOURCE !== '1' && existsSync(bundle)) {
  runBundle();
} else {
  import('tsx/esm/api').then(({ register }) => (register(), import('../src/main.ts')));
}
