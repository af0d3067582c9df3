/**
 * Electron entry: one instance, one window per process, the UI served from `reshoot-app://app` with a
 * strict CSP, the API over IPC (validated against the contract), bulk data over `reshoot-media:`.
 */
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  net,
  protocol,
  shell,
  type MenuItemConstructorOptions,
} from 'electron';
import { existsSync, statSync } from 'node:fs';
import { join, normalize, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { IPC_EVENT_CHANNEL, ipcChannel } from '../../../src-shared/api/bridge';
import { SEQUENCE_EXTENSIONS, VIDEO_EXTENSIONS } from '../../../src-shared/media-files';
import { METHOD_NAMES, type AppEvent } from '../../../src-shared/api/contract';
import { AppCore, createHandlers, createMediaHandler, dispatch, toApiError } from '../../api';
import { useSqliteNativeBinding } from '../../store';
import { electronSqliteBinding } from './native-modules';
import {
  APP_ORIGIN,
  APP_SCHEME,
  CONTENT_SECURITY_POLICY,
  MEDIA_SCHEME,
  isTrustedSender,
  secureWebPreferences,
} from './security';

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  { scheme: MEDIA_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
]);

// RESHOOT_RENDERER_DIR: the same override web mode honours (development, tests).
const rendererDir = process.env.RESHOOT_RENDERER_DIR ?? join(__dirname, '..', 'renderer');
const preload = join(__dirname, 'preload.cjs');
let win: BrowserWindow | null = null;
let core: AppCore;

const MEDIA_FILTERS = [
  { name: 'Video and image sequences', extensions: [...VIDEO_EXTENSIONS, ...SEQUENCE_EXTENSIONS] },
  { name: 'All files', extensions: ['*'] },
];

function send(event: AppEvent): void {
  win?.webContents.send(IPC_EVENT_CHANNEL, event);
}

function buildMenu(): void {
  const recent = core.settings.get().recentProjects;
  const menuCommand = (command: Extract<AppEvent, { type: 'menu' }>['command']) => () =>
    send({ type: 'menu', command });
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'New Project…', accelerator: 'CmdOrCtrl+N', click: menuCommand('new-project') },
        { label: 'Open Project…', accelerator: 'CmdOrCtrl+O', click: menuCommand('open-project') },
        {
          label: 'Open Recent',
          submenu: recent.length
            ? recent.map((r) => ({
                label: `${r.name} — ${r.path}`,
                enabled: existsSync(r.path),
                click: () => {
                  core
                    .openProject(r.path)
                    .catch((e: unknown) => dialog.showErrorBox('Cannot open project', toApiError(e).message));
                },
              }))
            : [{ label: 'No recent projects', enabled: false }],
        },
        { label: 'Close Project', click: menuCommand('close-project') },
        { type: 'separator' },
        { label: 'Import Shots…', accelerator: 'CmdOrCtrl+I', click: menuCommand('import-shots') },
        { type: 'separator' },
        process.platform === 'darwin' ? { role: 'close' } : { role: 'quit' },
      ],
    },
    {
      label: 'Edit',
      submenu: [
        // Undo/Redo act on the project's journal, not on text fields: the UI decides which applies.
        { label: 'Undo', accelerator: 'CmdOrCtrl+Z', click: menuCommand('undo') },
        { label: 'Redo', accelerator: 'CmdOrCtrl+Shift+Z', click: menuCommand('redo') },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
      ],
    },
    {
      label: 'View',
      submenu: [
        { label: 'Jobs Panel', accelerator: 'CmdOrCtrl+J', click: menuCommand('toggle-jobs') },
        { label: 'Models…', click: menuCommand('open-models') },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
        ...(app.isPackaged ? [] : [{ role: 'toggleDevTools' as const }]),
      ],
    },
    {
      label: 'Help',
      submenu: [
        {
          label: 'User Guide',
          click: () => {
            const guide = join(__dirname, '..', '..', 'docs', 'user-guide.md');
            if (existsSync(guide)) void shell.openPath(guide);
          },
        },
        {
          label: `About Reshoot ${app.getVersion()}`,
          click: () =>
            dialog.showMessageBox({
              message: `Reshoot ${app.getVersion()}`,
              detail: 'Re-film a shot along a camera path it was never shot with.',
            }),
        },
      ],
    },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

function createWindow(): void {
  const saved = core.settings.get().window;
  win = new BrowserWindow({
    width: saved?.width ?? 1440,
    height: saved?.height ?? 900,
    ...(saved?.x !== undefined && saved?.y !== undefined ? { x: saved.x, y: saved.y } : {}),
    minWidth: 960,
    minHeight: 600,
    backgroundColor: '#1b1c1e',
    title: 'Reshoot',
    show: false,
    webPreferences: secureWebPreferences(preload),
  });
  if (saved?.maximized) win.maximize();
  win.once('ready-to-show', () => win?.show());
  win.on('close', () => {
    if (!win) return;
    const b = win.getNormalBounds();
    core.settings.update((s) => {
      s.window = { x: b.x, y: b.y, width: b.width, height: b.height, maximized: win!.isMaximized() };
    });
  });
  win.on('closed', () => {
    win = null;
  });
  void win.loadURL(`${APP_ORIGIN}/index.html`);
}

function registerProtocols(): void {
  const media = createMediaHandler(core);
  protocol.handle(MEDIA_SCHEME, (request) => media(request, new URL(request.url).pathname));
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    const rel = decodeURIComponent(url.pathname).replace(/^\/+/, '') || 'index.html';
    const file = normalize(join(rendererDir, rel));
    if (!file.startsWith(rendererDir + sep) || !existsSync(file) || !statSync(file).isFile()) {
      return new Response('not found', { status: 404 });
    }
    const res = await net.fetch(pathToFileURL(file).toString());
    const headers = new Headers(res.headers);
    headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    headers.set('X-Content-Type-Options', 'nosniff');
    return new Response(res.body, { status: res.status, headers });
  });
}

function registerIpc(): void {
  const handlers = createHandlers(core);
  for (const name of METHOD_NAMES) {
    ipcMain.handle(ipcChannel(name), async (event, input: unknown) => {
      if (!isTrustedSender(event.senderFrame?.url)) {
        return {
          ok: false,
          error: { code: 'not-available', message: 'calls are only accepted from the Reshoot UI' },
        };
      }
      try {
        return { ok: true, value: await dispatch(handlers, name, input) };
      } catch (e) {
        const err = toApiError(e);
        return { ok: false, error: { code: err.code, message: err.message } };
      }
    });
  }
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });

  app.on('web-contents-created', (_e, contents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-navigate', (event, url) => {
      if (!url.startsWith(APP_ORIGIN + '/')) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });

  // Inside Electron the database module must be the build made for Electron's ABI (node_modules holds
  // Node's, for the CLI and tests). Without it no project could open: say what to run, and stop.
  let nativeProblem: string | null = null;
  if (process.versions.electron) {
    try {
      useSqliteNativeBinding(electronSqliteBinding(app.getAppPath()));
    } catch (e) {
      nativeProblem = (e as Error).message;
    }
  }

  void app.whenReady().then(() => {
    if (nativeProblem) {
      dialog.showErrorBox('Reshoot cannot open projects', nativeProblem);
      app.quit();
      return;
    }
    core = new AppCore({
      mode: 'electron',
      dialogs: {
        async pickMedia() {
          const r = await dialog.showOpenDialog(win!, {
            title: 'Import Shots',
            properties: ['openFile', 'multiSelections'],
            filters: MEDIA_FILTERS,
          });
          return r.canceled ? [] : r.filePaths;
        },
        async pickProject() {
          const r = await dialog.showOpenDialog(win!, {
            title: 'Open Project',
            properties: ['openDirectory', 'treatPackageAsDirectory'],
            message: 'Choose a .reshoot project folder',
          });
          return r.canceled ? null : (r.filePaths[0] ?? null);
        },
        async pickFile(title) {
          const r = await dialog.showOpenDialog(win!, { title, properties: ['openFile'] });
          return r.canceled ? null : (r.filePaths[0] ?? null);
        },
        async pickFolder() {
          const r = await dialog.showOpenDialog(win!, {
            title: 'Choose Folder',
            properties: ['openDirectory', 'createDirectory'],
          });
          return r.canceled ? null : (r.filePaths[0] ?? null);
        },
        async reveal(path) {
          shell.showItemInFolder(path);
        },
      },
    });
    core.bus.subscribe((e) => {
      send(e);
      if (e.type === 'project-changed') buildMenu();
    });
    registerProtocols();
    registerIpc();
    buildMenu();
    createWindow();
    const projectArg = process.argv.slice(app.isPackaged ? 1 : 2).find((a) => a.endsWith('.reshoot'));
    if (projectArg)
      void core
        .openProject(projectArg)
        .catch((e: unknown) => dialog.showErrorBox('Cannot open project', toApiError(e).message));
  });

  app.on('window-all-closed', () => {
    void core.closeProject().finally(() => app.quit());
  });
}
