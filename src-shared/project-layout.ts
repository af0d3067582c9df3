/**
 * The names inside a project folder (`<Name>.reshoot/`), said once for the store that makes them, the
 * lock, and the output guard that keeps every export off them.
 */

/** The database; its presence makes a folder a Reshoot project. SQLite keeps `-wal`, `-shm` … beside it. */
export const PROJECT_DB = 'project.db';

/** The lock file of the process that has the project open for writing. */
export const PROJECT_LOCK = 'project.lock';

/** The project's own folders: derived data, renders, and media received by web-mode upload. */
export const PROJECT_FOLDERS = { cache: 'cache', renders: 'renders', media: 'media' } as const;

/**
 * Where deliveries go unless the user chose another folder for the project: `<Name>.reshoot/delivery/`.
 * Not one of the project's own folders: Reshoot writes there only what the user asked to deliver, never
 * reads it back, and the output guard lets exports write there.
 */
export const DELIVERY_FOLDER = 'delivery';

/** The copy of the database kept when a project is upgraded from schema `version`. */
export const projectBackupName = (version: number): string => `project.v${version}.backup.db`;

/** Whether a name is such a backup (any schema version). */
export const isProjectBackupName = (name: string): boolean => /^project\.v\d+\.backup\.db/i.test(name);
