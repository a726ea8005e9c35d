// ESLint flat config: typescript-eslint's recommended rules plus a few a TS library lives by.
// Run with `npm run lint` (eslint + prettier --check); formatting itself is Prettier's job.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'coverage/**',
      'node_modules/**',
      'schematics/**/files/**',
      'clients/**',
      '**/*.js',
      '**/*.cjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.mts'],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
    },
    rules: {
      // Unused names are noise; a leading underscore marks a deliberately unused parameter.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      // (No consistent-type-imports: with emitDecoratorMetadata a class imported only as a
      // constructor parameter type is still needed at run time by the injector.)
      // Decorator factories and constructors take `Function` and `any[]` by design (reflect-metadata, mixins).
      '@typescript-eslint/no-unsafe-function-type': 'off',
      // `new (...args: any[]) => T` is how TypeScript spells "any class"; elsewhere prefer `unknown`.
      '@typescript-eslint/no-explicit-any': 'warn',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-var': 'error',
      'prefer-const': 'error',
      'no-console': 'off',
      // Prettier wraps code at 120; this catches what it cannot wrap: comments.
      'max-len': [
        'error',
        { code: 120, ignoreUrls: true, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true },
      ],
    },
  },
  {
    // Tests: `any` casts are fine where they keep a test readable;
    // `require` is how a `jest.mock` factory (hoisted above imports) loads a module.
    files: ['test/**/*.ts', '**/*.spec.ts'],
    rules: {
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
);
