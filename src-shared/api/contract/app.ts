/** The app itself: what is running, the in-app file browser and native dialogs, menu commands. */
import { z } from 'zod';
import { method, UiPath, none } from './common';

export const FileEntrySchema = z.strictObject({
  name: z.string(),
  path: z.string(),
  kind: z.enum(['dir', 'project', 'media', 'sequence-frame', 'other']),
  size: z.number().nullable(),
});
export type FileEntry = z.infer<typeof FileEntrySchema>;

export const AppInfoSchema = z.strictObject({
  mode: z.enum(['electron', 'web']),
  version: z.string(),
  platform: z.string(),
  /** Whether native file dialogs exist (Electron). Web mode uses the in-app file browser instead. */
  nativeDialogs: z.boolean(),
  ffmpeg: z.strictObject({ available: z.boolean(), detail: z.string() }),
  homeDir: z.string(),
});

export const appContract = {
  'app.info': method(none, AppInfoSchema, 'What is running: mode, version, ffmpeg availability.'),

  'files.list': method(
    z.strictObject({ dir: UiPath.optional() }),
    z.strictObject({ dir: z.string(), parent: z.string().nullable(), entries: z.array(FileEntrySchema) }),
    'List a folder for the in-app file browser (web mode).',
  ),
  'dialog.pickMedia': method(none, z.array(z.string()), 'Native file dialog for shots (Electron only).'),
  'dialog.pickProject': method(
    none,
    z.string().nullable(),
    'Native dialog to open a project (Electron only).',
  ),
  'dialog.pickFolder': method(
    none,
    z.string().nullable(),
    'Native dialog to choose a folder (Electron only).',
  ),
  'dialog.pickFile': method(
    z.strictObject({ title: z.string().max(120) }),
    z.string().nullable(),
    'Native dialog to choose any one file, e.g. a model file (Electron only).',
  ),
  'dialog.reveal': method(
    z.strictObject({ path: UiPath }),
    z.strictObject({ ok: z.literal(true) }),
    "Show a file or folder in the system's file manager (Electron only).",
  ),
} as const;

export const MENU_COMMANDS = [
  'new-project',
  'open-project',
  'close-project',
  'import-shots',
  'undo',
  'redo',
  'toggle-jobs',
  'open-models',
] as const;
