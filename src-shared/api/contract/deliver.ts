/** Delivery (src-main/deliver): where deliveries go, and the deliver.* methods. */
import { z } from 'zod';
import { Id, method, none, UiPath } from './common';
import { WORLD_UPS } from './shots';

export const DeliveryFolderSchema = z.strictObject({
  /** Absolute path: `<project>/delivery` unless the user chose another folder for the project. */
  folder: z.string(),
  isDefault: z.boolean(),
  /** The default folder is made by the first delivery. */
  exists: z.boolean(),
});
export type DeliveryFolder = z.infer<typeof DeliveryFolderSchema>;

export const deliverContract = {
  'deliver.folder': method(none, DeliveryFolderSchema, "The project's delivery folder."),
  'deliver.setFolder': method(
    z.strictObject({ folder: UiPath.nullable() }),
    DeliveryFolderSchema,
    "Choose the project's delivery folder (null: back to <project>/delivery).",
  ),
  'deliver.defaults': method(
    z.strictObject({ shotId: Id }),
    z.strictObject({ folder: DeliveryFolderSchema, worldUp: z.enum(WORLD_UPS) }),
    'Where an export of this shot starts: the delivery folder, and the world up the scene was oriented to.',
  ),
} as const;
