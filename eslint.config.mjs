// Lint for every project. The module-boundary constraints are the architecture (STYLE.md §5):
// contracts depend on nothing, rpc on contracts and utilities, apps never on one another, and the
// libraries that touch databases or identity providers only where DESIGN.md puts them.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

// The database libraries: in libs/database and an app's storage/typeorm/ only (tools and benches aside).
const dbLibs = ['typeorm', 'mysql2', 'better-sqlite3', 'sql.js'];
const idpClientLibs = ['openid-client'];
const idpServerLibs = ['oidc-provider'];
const testSupport = ['@tessera/testing', '@tessera/database/testing'].map((name) => ({ name, message: 'test support is for *.spec.ts files only' }));
const dbLibsPattern = dbLibs.map((l) => l.replace('.', '\\.')).join('|');
// @tessera/database is TypeORM too; tests anywhere may take a test database from its `testing` entry.
const dbLibsOnlyInStorage = ({ tests }) => ({
  regex: tests ? `^(${dbLibsPattern})(/.*)?$|^@tessera/database$` : `^(${dbLibsPattern}|@tessera/database)(/.*)?$`,
  message: 'database libraries (and @tessera/database) are used only in storage/typeorm/',
});
const testingFolderOnlyInTests = { regex: '^\\.{1,2}/(.*/)?testing/', message: "an app's testing/ folder is for its tests only" };
const typeormOnlyInFactory = (factory) => ({ regex: '(^|/)storage/typeorm/|^\\./typeorm/', message: `only storage/${factory} imports storage/typeorm/` });

/** An app's database stays behind storage/ (STYLE §1): only storage/typeorm/ uses TypeORM and the
 * drivers, and only the factory (storage/<factory>) reaches into storage/typeorm/. */
function ormBehindStorage(app, factory) {
  const src = `apps/${app}/src`;
  return [
    {
      files: [`${src}/**/*.ts`],
      ignores: [`${src}/storage/typeorm/**`, `${src}/testing/**`, '**/*.spec.ts'],
      rules: { 'no-restricted-imports': ['error', { paths: testSupport, patterns: [dbLibsOnlyInStorage({ tests: false }), typeormOnlyInFactory(factory), testingFolderOnlyInTests] }] },
    },
    {
      files: [`${src}/**/*.spec.ts`],
      ignores: [`${src}/storage/typeorm/**`],
      rules: { 'no-restricted-imports': ['error', { patterns: [dbLibsOnlyInStorage({ tests: true }), typeormOnlyInFactory(factory)] }] },
    },
    { files: [`${src}/storage/${factory}`], rules: { 'no-restricted-imports': ['error', { paths: testSupport, patterns: [dbLibsOnlyInStorage({ tests: false })] }] } },
  ];
}

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
      // libs/database: the TypeORM plumbing of the two apps with a database, and only theirs.
      { sourceTag: 'scope:database', onlyDependOnLibsWithTags: ['scope:shared'], bannedExternalImports: [...idpClientLibs, ...idpServerLibs] },
      { sourceTag: 'scope:tokenmanager', onlyDependOnLibsWithTags: ['scope:shared', 'scope:database', 'scope:tokenmanager'], bannedExternalImports: [...idpClientLibs, ...idpServerLibs] },
      // The authserver's tests drive it with openid-client, as any OAuth client would.
      { sourceTag: 'scope:authserver', onlyDependOnLibsWithTags: ['scope:shared', 'scope:database', 'scope:authserver'], bannedExternalImports: tests ? idpServerLibs : [...idpClientLibs, ...idpServerLibs] },
      { sourceTag: 'scope:idp-gateway', onlyDependOnLibsWithTags: ['scope:shared', 'scope:idp-gateway'], bannedExternalImports: [...dbLibs, ...idpServerLibs] },
      // dev-idp's tests drive it with openid-client, as a relying party would.
      { sourceTag: 'scope:dev-idp', onlyDependOnLibsWithTags: ['scope:shared', 'scope:dev-idp'], bannedExternalImports: tests ? dbLibs : [...dbLibs, ...idpClientLibs] },
      // The CLI is an OAuth client of Tessera (openid-client) and has no database and no provider.
      { sourceTag: 'scope:cli', onlyDependOnLibsWithTags: ['scope:shared', 'scope:cli'], bannedExternalImports: [...dbLibs, ...idpServerLibs] },
      { sourceTag: 'scope:tools', onlyDependOnLibsWithTags: ['*'] },
    ],
  };
}

export default [
  { ignores: ['**/node_modules/**', '**/src/gen/**', '.nx/**', '.dev/**', '**/dist/**'] },
  ...tseslint.configs.recommended,
  // CommonJS on purpose (apps/cli/bin/tessera.cjs starts without the ES module loader): require is how it imports.
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs' }, rules: { '@typescript-eslint/no-require-imports': 'off' } },
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
    // Tests may also use the test-support library; nothing else may. An app's testing/ folder is
    // its tests' shared setup, and is held to the rules of tests.
    files: ['**/*.spec.ts', 'apps/*/src/testing/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': ['error', boundaries({ tests: true })] },
  },
  {
    // Test support stays out of production code (an app's testing/ is test support itself).
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    ignores: ['**/*.spec.ts', 'libs/testing/**', 'apps/*/src/testing/**'],
    rules: { 'no-restricted-imports': ['error', { paths: testSupport, patterns: [testingFolderOnlyInTests] }] },
  },
  ...ormBehindStorage('tokenmanager', 'create-token-db.ts'),
  ...ormBehindStorage('authserver', 'create-auth-db.ts'),
];
