import type { CliCommand } from './command';
import { cameraConvertCommand } from './commands/camera-convert';
import { parascaleTransferCommand } from './commands/parascale-transfer';
import { metricsCommand } from './commands/metrics';
import { importCommand } from './commands/project-import';
import { infoCommand } from './commands/project-info';
import { jobsCommand, jobsResumeCommand, proxyCommand } from './commands/jobs';
import { newCommand } from './commands/project-new';
import { webCommand } from './commands/web';
import { analyzeCommand, exportTracksCommand, trackCommand } from './commands/track';
import { exportDepthCommand } from './commands/export-depth';
import { deliverDepthCommand } from './commands/deliver-depth';
import { cameraImportCommand, cameraStatusCommand, exportCameraCommand } from './commands/source-camera';
import { lensCommand } from './commands/shot-lens';
import { modelsCommands } from './commands/models';
import { pathCommands } from './commands/paths';
import { renderCommands } from './commands/render';
import { renderVerifyCommand } from './commands/render-verify';
import { deliverPlateCommand } from './commands/deliver-plate';
import { deliverCameraCommand } from './commands/deliver-camera';
import { deliverTimelineCommand } from './commands/deliver-timeline';

/** Every `reshoot` sub-command, in the order `reshoot --help` lists them. */
export const commands: CliCommand[] = [
  newCommand,
  importCommand,
  infoCommand,
  webCommand,
  proxyCommand,
  jobsCommand,
  jobsResumeCommand,
  trackCommand,
  lensCommand,
  analyzeCommand,
  exportTracksCommand,
  cameraImportCommand,
  cameraStatusCommand,
  exportCameraCommand,
  exportDepthCommand,
  deliverDepthCommand,
  ...pathCommands,
  ...renderCommands,
  renderVerifyCommand,
  deliverPlateCommand,
  deliverCameraCommand,
  deliverTimelineCommand,
  ...modelsCommands,
  cameraConvertCommand,
  parascaleTransferCommand,
  metricsCommand,
];
