// Lint for every project. The module-boundary constraints are the architecture (STYLE.md §5):
// contracts depend on nothing, rpc on contracts and utilities, apps never on one another, and the
// libraries that touch databases or identity providers only where DESIGN.md puts them.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const dbLibs = ['typeorm', 'mysql2', 'better-sqlite3', 'sql.js'];
const idpClientLibs = ['openid-client'];
const idpServerLibs = ['oidc-provider'];
const testingOnlyInSpecs = { name: '@tessera/testing', message: 'test support is for *.spec.ts files only' };
const dbLibsOnlyInStorage = { regex: `^(${dbLibs.map((l) => l.replace('.', '\\.')).join('|')})(/.*)?$`, message: 'database libraries are used only in storage/typeorm/' };
const typeormOnlyInFactory = { regex: '(^|/)storage/typeorm/|^\\./typeorm/', message: 'only storage/create-token-db.ts imports storage/typeorm/' };

function boundaries({ tests }) {
  const layer = (sourceTag, allowed) => ({
    sourceTag,
    onlyDependOnLibsWithTags: tests && sourceTag !== 'type:testing' ? [...allowed, 'type:testing'] : allowed,
  });
  return {
    enforceBuildableLibDependency: false,
    banTransitiveDependencies: false,
    checkDynamicDependenciesExceptions: [],
    depConstraints: [
      layer('type:contract', ['type:contract']),
      layer('type:util', ['type:util']),
      layer('type:rpc', ['type:contract', 'type:util']),
      layer('type:domain', ['type:contract', 'type:util', 'type:domain']),
      layer('type:testing', ['type:contract', 'type:util', 'type:rpc', 'type:domain', 'type:testing']),
      layer('type:app', ['type:contract', 'type:util', 'type:rpc', 'type:domain']),
      { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'], bannedExternalImports: [...dbLibs, ...idpClientLibs, ...idpServerLibs] },
      { sourceTag: 'scope:tokenmanager', onlyDependOnLibsWithTags: ['scope:shared', 'scope:tokenmanager'], bannedExternalImports: [...idpClientLibs, ...idpServerLibs] },
      { sourceTag: 'scope:authserver', onlyDependOnLibsWithTags: ['scope:shared', 'scope:authserver'], bannedExternalImports: [...idpClientLibs, ...idpServerLibs] },
      { sourceTag: 'scope:idp-gateway', onlyDependOnLibsWithTags: ['scope:shared', 'scope:idp-gateway'], bannedExternalImports: [...dbLibs, ...idpServerLibs] },
      // dev-idp's tests drive it with openid-client, as a relying party would.
      { sourceTag: 'scope:dev-idp', onlyDependOnLibsWithTags: ['scope:shared', 'scope:dev-idp'], bannedExternalImports: tests ? dbLibs : [...dbLibs, ...idpClientLibs] },
      { sourceTag: 'scope:tools', onlyDependOnLibsWithTags: ['*'] },
    ],
  };
}

export default [
  { ignores: ['**/node_modules/**', '**/src/gen/**', '.nx/**', '.dev/**', 'dist/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.mts', '**/*.mjs'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@nx/enforce-module-boundaries': ['error', boundaries({ tests: false })],
    },
  },
  {
    // Tests may also use the test-support library; nothing else may.
    files: ['**/*.spec.ts'],
    rules: { '@nx/enforce-module-boundaries': ['error', boundaries({ tests: true })] },
  },
  {
    // Test support stays out of production code.
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    ignores: ['**/*.spec.ts', 'libs/testing/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [testingOnlyInSpecs] }] },
  },
  {
    // TokenDB's ORM stays behind storage/ (STYLE §1): only storage/typeorm/ uses TypeORM and the
    // drivers, and only the factory (storage/create-token-db.ts) reaches into storage/typeorm/.
    files: ['apps/tokenmanager/src/**/*.ts'],
    ignores: ['apps/tokenmanager/src/storage/typeorm/**', 'apps/tokenmanager/src/testing/**', '**/*.spec.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [testingOnlyInSpecs], patterns: [dbLibsOnlyInStorage, typeormOnlyInFactory] }] },
  },
  {
    files: ['apps/tokenmanager/src/**/*.spec.ts'],
    ignores: ['apps/tokenmanager/src/storage/typeorm/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [dbLibsOnlyInStorage, typeormOnlyInFactory] }] },
  },
  {
    files: ['apps/tokenmanager/src/storage/create-token-db.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [testingOnlyInSpecs], patterns: [dbLibsOnlyInStorage] }] },
  },
];
