/**
 * The layer rules of docs/architecture.md, checked by `npm run check:layers` (part of `npm run check`):
 *   app → api → capabilities → store / media / inference → src-shared
 * tests/unit/layers/layers.test.ts proves that each rule fires on a fixture that breaks it.
 */

/** src-main folders that are not capabilities: the top of the arrow. */
const TOP = '^src-main/(api|app)/';

module.exports = {
  forbidden: [
    {
      name: 'shared-is-portable',
      comment:
        'src-shared runs in both processes: no Node built-ins, no Electron or native packages, nothing from src-main or src-renderer.',
      severity: 'error',
      from: { path: '^src-shared/' },
      to: {
        pathNot: '^src-shared/',
        dependencyTypesNot: ['type-only'],
        path: [
          '^src-main/',
          '^src-renderer/',
          '(^|/)node_modules/(electron|better-sqlite3|onnxruntime-node)/',
        ],
      },
    },
    {
      name: 'shared-no-node-builtins',
      comment: 'src-shared imports no Node built-in module (node:fs, path, …).',
      severity: 'error',
      from: { path: '^src-shared/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'renderer-only-shared',
      comment: 'The renderer reaches the main process only through the API contract in src-shared.',
      severity: 'error',
      from: { path: '^src-renderer/' },
      to: { path: ['^src-main/', '^native/'] },
    },
    {
      name: 'renderer-no-node-builtins',
      comment: 'The renderer is a sandboxed web page: no Node built-ins.',
      severity: 'error',
      from: { path: '^src-renderer/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'capabilities-never-import-api-or-app',
      comment: 'Capabilities (everything in src-main but api/ and app/) never import api/ or app/.',
      severity: 'error',
      from: { path: '^src-main/', pathNot: TOP },
      to: { path: TOP },
    },
    {
      name: 'api-never-imports-app',
      comment: 'api/ binds the contract to the capabilities; the app entries sit above it.',
      severity: 'error',
      from: { path: '^src-main/api/' },
      to: { path: '^src-main/app/' },
    },
    {
      name: 'only-app-electron-imports-electron',
      comment:
        'Only src-main/app/electron touches Electron; everything else also runs in the CLI and web mode.',
      severity: 'error',
      from: { pathNot: '^src-main/app/electron/' },
      to: { path: '(^|/)node_modules/electron/' },
    },
    {
      name: 'no-folder-cycles-in-main',
      comment: 'No import cycles between src-main folders (jobs/ ↔ analysis/ and the like).',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src-main/[^/]+' },
      to: { path: '^src-main/[^/]+', circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^dist/', '^tests/', '^bench/', '^scripts/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.svelte', '.json', '.d.ts'],
    },
  },
};
