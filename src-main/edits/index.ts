/** Undo and redo: the registry of edit kinds that capabilities register, over the project's journal. */
export { EditRegistry, type EditKind, type EditRecord } from './registry';
