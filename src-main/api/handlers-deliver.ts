/** API handlers for delivery (src-main/deliver): the project's delivery folder and export defaults. */
import { ApiError } from '../../src-shared/api/contract';
import {
  defaultWorldUp,
  deliveryFolderOf,
  previewDelivery,
  setDeliveryFolder,
  startDelivery,
} from '../deliver';
import type { AppCore } from './core';
import type { Handlers } from './handlers';

type DeliverHandlers = Pick<
  Handlers,
  'deliver.folder' | 'deliver.setFolder' | 'deliver.defaults' | 'deliver.preview' | 'deliver.start'
>;

export function createDeliverHandlers(core: AppCore): DeliverHandlers {
  return {
    async 'deliver.folder'() {
      return deliveryFolderOf(core.require().project);
    },
    async 'deliver.setFolder'({ folder }) {
      const { project } = core.require();
      const r = setDeliveryFolder(project, folder);
      return r;
    },
    async 'deliver.defaults'({ shotId }) {
      const { project } = core.require();
      const shot = project.shots.get(shotId);
      if (!shot) throw new ApiError('not-found', `There is no shot ${shotId} in this project.`);
      return { folder: deliveryFolderOf(project), worldUp: defaultWorldUp(project, shot) };
    },
    async 'deliver.preview'(req) {
      return previewDelivery(core.require().project, req);
    },
    async 'deliver.start'(req) {
      const { project, runner } = core.require();
      return startDelivery(project, runner, req);
    },
  };
}
