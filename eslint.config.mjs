// Lint for every project. The module-boundary constraints are the architecture (STYLE.md §5):
// contracts depend on nothing, rpc on contracts and utilities, apps never on one another, and the
// libraries that touch databases or identity providers only where DESIGN.md puts them.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const dbLibs = ['typeorm', 'mysql2', 'better-sqlite3', 'sql.js'];
const idpClientLibs = ['openid-client'];
const idpServerLibs = ['oidc-provider'];

export default [
  { ignores: ['**/node_modules/**', '**/src/gen/**', '.nx/**', '.dev/**', 'dist/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.mts', '**/*.mjs'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          banTransitiveDependencies: false,
          checkDynamicDependenciesExceptions: [],
          depConstraints: [
            { sourceTag: 'type:contract', onlyDependOnLibsWithTags: ['type:contract'] },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
            { sourceTag: 'type:rpc', onlyDependOnLibsWithTags: ['type:contract', 'type:util'] },
            { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:contract', 'type:util', 'type:domain'] },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:contract', 'type:util', 'type:rpc', 'type:domain', 'type:testing'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:contract', 'type:util', 'type:rpc', 'type:domain', 'type:testing'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'], bannedExternalImports: [...dbLibs, ...idpClientLibs, ...idpServerLibs] },
            { sourceTag: 'scope:tokenmanager', onlyDependOnLibsWithTags: ['scope:shared', 'scope:tokenmanager'], bannedExternalImports: [...idpClientLibs, ...idpServerLibs] },
            { sourceTag: 'scope:authserver', onlyDependOnLibsWithTags: ['scope:shared', 'scope:authserver'], bannedExternalImports: [...idpClientLibs, ...idpServerLibs] },
            { sourceTag: 'scope:idp-gateway', onlyDependOnLibsWithTags: ['scope:shared', 'scope:idp-gateway'], bannedExternalImports: [...dbLibs, ...idpServerLibs] },
            { sourceTag: 'scope:dev-idp', onlyDependOnLibsWithTags: ['scope:shared', 'scope:dev-idp'], bannedExternalImports: dbLibs },
            { sourceTag: 'scope:tools', onlyDependOnLibsWithTags: ['*'] },
          ],
        },
      ],
    },
  },
  {
    // Test support stays out of production code.
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    ignores: ['**/*.spec.ts', 'libs/testing/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [{ name: '@tessera/testing', message: 'test support is for *.spec.ts files only' }] }] },
  },
];
