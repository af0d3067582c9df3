/** User actions reachable from several places (buttons, keys, the app menu). */
import type { MenuCommand } from './menu';
import { pathsForDroppedFiles, transport } from './api';
import { looksLikeSequenceFrame, onePathPerSequence } from './paths';
import { session } from './stores/app.svelte';
import { edit } from './stores/edit.svelte';
import { jobs } from './stores/jobs.svelte';
import { notices } from './stores/notices.svelte';
import { shots } from './stores/shots.svelte';
import { ui } from './stores/ui.svelte';

export async function importWithPicker(): Promise<void> {
  if (!session.project) return;
  const picked = await ui.pickMedia(true);
  if (picked.length > 0) await shots.import(onePathPerSequence(picked, looksLikeSequenceFrame));
}

export async function importDropped(files: File[]): Promise<void> {
  if (!session.project || files.length === 0) return;
  if (transport === 'web') {
    // Only one frame of a dropped sequence needs to be named, but every frame must be copied.
    shots.importing = `Copying ${files.length} file${files.length === 1 ? '' : 's'} into the project…`;
  }
  const { paths, failed } = await pathsForDroppedFiles(files, (done, total) => {
    if (transport === 'web') shots.importing = `Copying into the project: ${done} of ${total}…`;
  });
  shots.importing = null;
  await shots.import(onePathPerSequence(paths, looksLikeSequenceFrame), failed);
}

export async function relinkShot(shotId: number): Promise<void> {
  const [path] = await ui.pickMedia(false, 'Relink: find the moved media');
  if (path) await shots.relink(shotId, path);
}

export async function openProjectWithPicker(): Promise<void> {
  const path = await ui.pickProject();
  if (path) await session.open(path);
}

function editingText(): boolean {
  const el = document.activeElement;
  return (
    (el instanceof HTMLInputElement && !['button', 'checkbox', 'radio', 'range'].includes(el.type)) ||
    el instanceof HTMLTextAreaElement ||
    (el instanceof HTMLElement && el.isContentEditable)
  );
}

export function runMenuCommand(command: MenuCommand): void {
  switch (command) {
    case 'new-project':
      ui.newProjectOpen = true;
      break;
    case 'open-project':
      void openProjectWithPicker();
      break;
    case 'close-project':
      if (session.project) void session.close();
      break;
    case 'import-shots':
      if (session.project) void importWithPicker();
      else notices.info('Open or create a project first to import shots.');
      break;
    // The Edit menu's accelerators reach us even while a text field has focus: there they mean
    // "undo my typing", as in every text field, not "undo the last project edit".
    case 'undo':
      if (editingText()) document.execCommand('undo');
      else void edit.undo();
      break;
    case 'redo':
      if (editingText()) document.execCommand('redo');
      else void edit.redo();
      break;
    case 'toggle-jobs':
      jobs.panelOpen = !jobs.panelOpen;
      break;
    case 'open-models':
      ui.modelsOpen = true;
      break;
  }
}
