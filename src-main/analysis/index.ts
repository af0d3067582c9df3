/**
 * Shot analysis: 2D tracking (tracking/), the source-camera solve (camera/), depth (depth/), 3D tracks,
 * and the two job kinds that run them: "Track shot" and "Analyze shot".
 */
export { createTrackJob, TRACK_CHUNK_FRAMES, analysisSize, type TrackJobDeps } from './track-job';
export { createAnalyzeJob, DEPTH_CHUNK_FRAMES, type AnalyzeJobDeps } from './analyze-job';
export { closeTrackSessions } from './track-session';
