#!/usr/bin/env node
// `tessera` for `npx tessera` and the workspace's node_modules/.bin: runs src/main.ts through tsx.
// A single-file build that starts faster replaces this launcher in a later slice.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
