// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // packages/client/src/schema.d.ts is written by openapi-typescript (npm run client:generate).
  {
    ignores: [
      '**/dist/',
      'coverage/',
      'plugins/*/dist/',
      'node_modules/',
      'bench/results/',
      'data/',
      '.bench-data/',
      'packages/client/src/schema.d.ts',
    ],
  },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },

  // TypeScript (src/ and test/): type-aware rules, types from tsconfig.json.
  {
    files: ['**/*.ts'],
    extends: [eslint.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // The two this issue is about: a promise nobody awaits loses its rejection.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // An `async` method without `await` is how this code implements Promise-returning ports (fakes,
      // migrations, close()): throws become rejections. Not a bug, and 144 hits.
      '@typescript-eslint/require-await': 'off',
      // `_name` is the codebase's way to drop a field (`const { secret: _secret, ...rest } = row`) or an argument.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // Repeated HTTP headers are string[]; `${h}` joins them with commas, as HTTP does.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowArray: true }],
      // Forwarding a caught error or AbortSignal.reason (typed unknown/any) to reject() is right.
      '@typescript-eslint/prefer-promise-reject-errors': [
        'error',
        { allowThrowingAny: true, allowThrowingUnknown: true },
      ],
    },
  },

  // Tests: assertions over supertest/pg/JSON bodies (typed any) and jest's asymmetric matchers
  // (expect.any(), expect.objectContaining(), also any) are the point of the code, not a type hole.
  {
    files: ['test/**/*.ts', 'src/**/*.spec.ts', 'plugins/*/test/**/*.ts', 'plugins/*/src/**/*.spec.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },

  // Plain CommonJS JavaScript (bench/, config files, test helpers): no type information.
  {
    files: ['**/*.js', '**/*.cjs'],
    extends: [eslint.configs.recommended],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: {
      'no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    files: ['**/*.mjs'],
    extends: [eslint.configs.recommended],
    languageOptions: { sourceType: 'module', globals: { ...globals.node } },
  },

  // Turn off every rule that would fight Prettier.
  prettier,

  // After `prettier` because eslint-config-prettier turns max-len off; Prettier wraps code but not comments.
  {
    files: ['**/*.ts', '**/*.js'],
    rules: {
      // A long message or test title stays one searchable string; Prettier keeps those whole too.
      'max-len': [
        'error',
        {
          code: 120,
          comments: 120,
          ignoreStrings: true,
          ignoreTemplateLiterals: true,
          ignoreRegExpLiterals: true,
          ignoreUrls: true,
        },
      ],
    },
  },
);
