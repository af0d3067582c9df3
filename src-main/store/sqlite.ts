import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';

/**
 * Every project database is opened here. better-sqlite3 is a native module built for one ABI:
 * `npm install` builds it for Node (CLI, web mode, tests); the desktop app runs inside Electron, whose
 * ABI differs, and hands over a build made for it (`npm run electron:native`) before opening anything.
 */
let nativeBinding: string | null = null;

/** Loads better-sqlite3 from `file` from now on (the Electron entry calls this first). */
export function useSqliteNativeBinding(file: string): void {
  if (!existsSync(file)) {
    throw new Error(
      `${file}: the desktop app needs better-sqlite3 built for Electron, and it is not there. Run 'npm run electron:native' (it downloads a prebuilt binary or Electron's headers once), then start again.`,
    );
  }
  nativeBinding = file;
}

export function openDatabase(file: string, options: Database.Options = {}): Database.Database {
  return new Database(file, nativeBinding ? { ...options, nativeBinding } : options);
}
