/** The project: open, create, close, recent projects, and undo/redo of its edits. */
import { z } from 'zod';
import { method, ok, UiPath, none } from './common';

export const ProjectSummarySchema = z.strictObject({
  path: z.string(),
  name: z.string(),
  schemaVersion: z.number().int(),
  createdAt: z.string(),
  shotCount: z.number().int(),
});
export type ProjectSummary = z.infer<typeof ProjectSummarySchema>;

export const RecentProjectSchema = z.strictObject({
  path: z.string(),
  name: z.string(),
  openedAt: z.string(),
  exists: z.boolean(),
});
export type RecentProject = z.infer<typeof RecentProjectSchema>;

export const EditStateSchema = z.strictObject({
  canUndo: z.boolean(),
  undoLabel: z.string().nullable(),
  canRedo: z.boolean(),
  redoLabel: z.string().nullable(),
});
export type EditState = z.infer<typeof EditStateSchema>;

export const projectContract = {
  'project.current': method(none, ProjectSummarySchema.nullable(), 'The open project, if any.'),
  'project.recent': method(none, z.array(RecentProjectSchema), 'Recently opened projects, newest first.'),
  'project.create': method(
    z.strictObject({
      parentDir: UiPath,
      name: z
        .string()
        .trim()
        .min(1, 'the project needs a name')
        .max(120)
        .refine((n) => !/[/\\:*?"<>|\0]/.test(n), 'a project name cannot contain / \\ : * ? " < > |'),
    }),
    ProjectSummarySchema,
    'Create <parentDir>/<name>.reshoot and open it.',
  ),
  'project.open': method(
    z.strictObject({ path: UiPath }),
    ProjectSummarySchema,
    'Open a .reshoot project folder.',
  ),
  'project.close': method(none, ok, 'Close the open project.'),

  'edit.state': method(none, EditStateSchema, 'What Undo and Redo would do.'),
  'edit.undo': method(none, EditStateSchema, 'Undo the last edit.'),
  'edit.redo': method(none, EditStateSchema, 'Redo the last undone edit.'),
} as const;
