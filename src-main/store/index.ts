export { Project, projectPaths, PROJECT_EXTENSION, type ProjectPaths, type OpenOptions } from './project';
export { ProjectError } from './errors';
export { SCHEMA_VERSION, MIGRATIONS, migrate } from './migrations';
export type { ShotRecord, NewShot, ShotEdit } from './shots';
export type { JobRecord, JobChunk } from './jobs';
export type { JournalEntry } from './journal';
export type { TrackRecord, TrackMethod } from './tracks';
export type { ShotCameraRecord } from './cameras';
export type { StageRecord, DepthFrameStats } from './analysis';
