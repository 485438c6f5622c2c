import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// docs/architecture.md#layout: only src/probes, src/bundle and src/commands touch the machine.
const MACHINE = [
  'node:fs',
  'node:fs/promises',
  'node:child_process',
  'node:net',
  'node:http',
  'node:dgram',
  'fs',
  'child_process',
  'net',
  'execa',
  'undici',
  'systeminformation',
];
const pureRestriction = {
  'no-restricted-imports': [
    'error',
    {
      paths: MACHINE.map((name) => ({
        name,
        message: 'pure layer: IO lives in src/probes, src/bundle and src/commands',
      })),
      patterns: [
        {
          group: ['**/probes/**', '**/commands/**', '**/cli.js'],
          message: 'pure layer: must not import probes, commands or the CLI',
        },
        {
          group: ['**/bundle/dir-bundle.js', '**/bundle/tarball.js', '**/bundle/open.js', '**/bundle/writer.js'],
          message: 'pure layer: read bundles through BundleReader',
        },
      ],
    },
  ],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        performance: 'readonly',
        TextDecoder: 'readonly',
        TextEncoder: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        NodeJS: 'readonly',
        WebAssembly: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-control-regex': 'off',
    },
  },
  {
    files: [
      'src/parsers/**/*.ts',
      'src/facts/**/*.ts',
      'src/rules/**/*.ts',
      'src/engine.ts',
      'src/pipeline.ts',
      'src/report/**/*.ts',
    ],
    rules: pureRestriction,
  },
  {
    // the launcher is CommonJS (bin/package.json): an ES-module entry loads Node's ES-module loader at every start
    files: ['bin/**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', __filename: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
