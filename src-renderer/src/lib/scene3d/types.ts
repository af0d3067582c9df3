import type { MethodOutput } from '../../../../src-shared/api/contract';
import type { decodeCloud } from '../../../../src-shared/api/media-routes';

/**
 * The camera the shot was filmed with, per frame (from `shots.sourceCamera`), in OpenCV camera axes
 * (x right, y down, z forward) with R_wc the camera-to-world rotation.
 */
export type SourceCamera = NonNullable<MethodOutput<'shots.sourceCamera'>>;
export type SourceFrame = SourceCamera['frames'][number];
export type Cloud = ReturnType<typeof decodeCloud>;
