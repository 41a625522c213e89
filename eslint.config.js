// Flat config: typed linting for every package, plus the import direction of the
// architecture (spec README §3.1): bmff ← dash ← server → daap; libraries never import the server.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const restrict = (...names) => ({
  'no-restricted-imports': [
    'error',
    {
      patterns: names.map((n) => ({
        group: [`@loopcast/${n}`, `@loopcast/${n}/*`],
        message: `this package must not import @loopcast/${n}`,
      })),
    },
  ],
});

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      'data/**',
      'test-output/**',
      'packages/web/**',
      'packages/*/bin/**',
      'eslint.config.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  { files: ['packages/bmff/**'], rules: restrict('dash', 'daap', 'server', 'web') },
  { files: ['packages/dash/**'], rules: restrict('daap', 'server', 'web') },
  { files: ['packages/daap/**'], rules: restrict('bmff', 'dash', 'server', 'web') },
  {
    files: ['**/test/**', 'test/**', 'bench/**', 'scripts/**'],
    rules: {
      '@typescript-eslint/no-floating-promises': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
