import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Globals present in every one of `sets` (code that runs in several places may use only those). */
const common = (...sets) => Object.fromEntries(Object.entries(sets[0]).filter(([name]) => sets.every((set) => name in set)));

// What each runtime defines besides ECMAScript (which ESLint always knows).
const runtime = {
  page: globals.browser,
  worker: globals.worker,
  serviceWorker: globals.serviceworker,
  // src/shared: the page and the workers.
  pageAndWorker: common(globals.browser, globals.worker),
  // src/store: the library worker, and Node in the unit tests (where fake-indexeddb supplies IndexedDB).
  workerAndNode: {
    ...common(globals.worker, globals.node),
    ...Object.fromEntries(Object.entries(globals.worker).filter(([name]) => /^(IDB|indexedDB$)/.test(name))),
  },
  node: globals.node,
  // e2e and browser benchmarks: Node, plus the functions they hand to page.evaluate, which run in the page.
  nodeAndPage: { ...globals.node, ...globals.browser },
};

// Names TypeScript's DOM and WebWorker libs define as types only: no-undef sees type references too.
const TYPE_ONLY = Object.fromEntries(
  ['IDBTransactionMode', 'IDBValidKey', 'LockMode', 'RequestInit', 'Transferable'].map((name) => [name, 'readonly']),
);

// Layering (docs/ARCHITECTURE.md): what each folder of src/ may import from; an upward import is an error.
const LAYERS = ['core', 'shared', 'import', 'store', 'worker', 'pwa', 'app', 'ui'];
const MAY_IMPORT = {
  core: [],
  shared: ['core'],
  import: ['core', 'shared'],
  store: ['core', 'shared', 'import'],
  worker: ['core', 'shared', 'import', 'store'],
  pwa: ['core', 'shared', 'import'],
  app: ['core', 'shared', 'import', 'store', 'pwa'],
  ui: ['core', 'shared', 'import', 'pwa', 'app'],
};
const TESTS = ['**/*.test.ts', '**/*.test-support.ts'];

function layering(layer) {
  const banned = LAYERS.filter((other) => other !== layer && !MAY_IMPORT[layer].includes(other));
  const allowed = ['itself', ...MAY_IMPORT[layer].map((other) => `src/${other}/`)].join(', ');
  const message = `src/${layer}/ may import only from ${allowed} (the layering in docs/ARCHITECTURE.md).`;
  // '/' spelt \x2F: a selector's regex cannot hold a slash.
  const upward = (slash) => `^(\\.\\.${slash})+(${banned.join('|')})(${slash}|$)`;
  const patterns = [
    { regex: upward('/'), message },
    { regex: '\\.test(-support)?\\.ts$', message: 'Test code stays out of the app.' },
  ];
  // The core is pure: nothing outside src/core/, no packages, no Node modules.
  if (layer === 'core') patterns.push({ regex: '^(?!\\./)', message: 'src/core/ imports only from src/core/ (pure, no packages).' });
  return {
    files: [`src/${layer}/**/*.ts`],
    ignores: TESTS,
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns }],
      // no-restricted-imports does not see import(): the same rule for dynamic imports.
      'no-restricted-syntax': ['error', { selector: `ImportExpression[source.value=/${upward('\\x2F')}/]`, message }],
    },
  };
}

export default tseslint.config(
  { ignores: ['dist/', 'dev-dist/', 'node_modules/', 'models/*/', '!models/convert/', '!models/testing/', 'test-results/', 'playwright-report/', '.cache/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'smart'],
    },
  },

  // Globals per runtime; the core gets none (ECMAScript only). typescript-eslint turns no-undef off for TypeScript
  // because tsc checks names, but tsc compiles src/store, src/shared and src/import with the DOM (tsconfig.app.json):
  // here each folder is held to what its runtime really has. The scope analyser is given only the ES lib, so the
  // globals below, not a tsconfig's lib, decide what exists.
  {
    files: ['src/**/*.ts'],
    languageOptions: { parserOptions: { lib: ['es2023'] }, globals: TYPE_ONLY },
    rules: { 'no-undef': 'error' },
  },
  { files: ['src/shared/**'], languageOptions: { globals: runtime.pageAndWorker } },
  { files: ['src/store/**'], languageOptions: { globals: runtime.workerAndNode } },
  { files: ['src/worker/**', 'bench/fusion/*.js'], languageOptions: { globals: runtime.worker } },
  {
    files: ['src/import/**', 'src/pwa/**', 'src/app/**', 'src/ui/**', 'src/main.ts'],
    ignores: ['src/pwa/*-sw.ts'],
    languageOptions: { globals: runtime.page },
  },
  // Copied into the generated service worker (vite.config.ts), so they run there and only there.
  { files: ['src/pwa/*-sw.ts'], languageOptions: { globals: runtime.serviceWorker } },
  { files: TESTS, languageOptions: { globals: runtime.node } },
  { files: ['models/**', 'scripts/**', '*.config.{ts,js}'], languageOptions: { globals: runtime.node } },
  { files: ['bench/**/*.ts', 'e2e/**'], languageOptions: { globals: runtime.nodeAndPage } },

  ...LAYERS.map(layering),

  // Type-aware rules (typescript-eslint strict-type-checked) on the app's code. Its tests are left out: they would
  // add the Node program (bench/, e2e/, models/ too) for no finding today (measured: +18 s CPU).
  ...tseslint.configs.strictTypeChecked.map((config) => ({ ...config, files: ['src/**/*.ts'], ignores: TESTS })),
  {
    files: ['src/**/*.ts'],
    ignores: TESTS,
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // Numbers in messages are the norm; the rule is here for objects, undefined and null.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // `() => doThing()` as a callback is fine; a void value used as a value is not.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
    },
  },
  // Lit calls a template's event listeners with `this` set to the component (`@click=${this._onClick}`).
  { files: ['src/ui/**/*.ts'], rules: { '@typescript-eslint/unbound-method': 'off' } },
  // The core's remaining `!` sit in hot scoring/quantisation loops, each with a comment: a check per element costs measured speed.
  { files: ['src/core/**/*.ts'], ignores: TESTS, rules: { '@typescript-eslint/no-non-null-assertion': 'off' } },
);
