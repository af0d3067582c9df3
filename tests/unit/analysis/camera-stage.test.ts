/**
 * The camera stage's answer for a solve: the cameras of the frames that have a pose, the report with the
 * tracker, a 'partial' verdict when frames are unsolved (kept: usable), and the message in the report's
 * words with the focal and the tracker; and the per-frame cameras the later stages read.
 */
import { describe, expect, it } from 'vitest';
import { cameraResult } from '../../../src-main/analysis/camera/stages';
import type { CameraSolve } from '../../../src-main/analysis/camera';
import { camerasByFrame } from '../../../src-main/analysis/stage-cameras';
import type { CameraReport } from '../../../src-shared/api/contract';
import { describeCameraReport } from '../../../src-shared/camera-report';
import { parseCamerasJson, type Pose } from '../../../src-shared/geometry';

const T = 10;
const W = 640;

function report(statuses: CameraReport['frames'][number]['status'][]): CameraReport {
  const frames = statuses.map((status, index) => ({
    index,
    status,
    segment: status === 'unsolved' ? null : 0,
  }));
  const segments: CameraReport['segments'] = [
    {
      index: 0,
      first: 0,
      last: T - 1,
      kind: 'solved',
      gauge: 0,
      joinedTo: null,
      joinPoints: 0,
      confidence: 0.8,
      rmsPx: 0.5,
      translationUncertainty: 0.02,
    },
  ];
  return {
    frames,
    segments,
    movingTracks: 3,
    tracker: null,
    summary: describeCameraReport(frames, segments),
  };
}

/** A solve of T frames, moving along x; `unsolved` frames have no pose. */
function solve(status: string, unsolved: number[], message = status): CameraSolve {
  const poses: (Pose | null)[] = Array.from({ length: T }, (_, t) =>
    unsolved.includes(t) ? null : { C: [0.1 * t, 0, 0], q: [1, 0, 0, 0] },
  );
  return {
    status: status as CameraSolve['status'],
    message,
    width: W,
    height: 360,
    numFrames: T,
    intrinsics: { width: W, height: 360, fx: 500, fy: 500, cx: 320, cy: 180 },
    poses,
    registered: Uint8Array.from(poses, (p) => (p ? 1 : 0)),
    points: { xyz: new Float32Array(0), trackId: new Int32Array(0) },
    trackFlags: new Uint8Array(0),
    gaugeFrame: 0,
    diagnostics: { focalRange: undefined } as unknown as CameraSolve['diagnostics'],
    report: report(poses.map((p) => (p ? 'solved' : 'unsolved'))),
  };
}

const req = { fps: [24, 1] as [number, number], method: 'klt' as const };

describe('the camera stage result', () => {
  it('a camera with every frame: its verdict, all frames, the summary with focal and tracker', () => {
    const r = cameraResult(solve('solved', []), req, 120);
    expect(r).toMatchObject({ status: 'solved', usable: true, frames: T, points: 120 });
    expect(r.report.tracker).toBe('klt');
    expect(r.message).toBe('frames 0–9 solved · focal 500.0 px (65.2° horizontal), estimated · KLT tracks');
    expect(parseCamerasJson(r.camerasJson!).frames.map((f) => f.index)).toEqual([...Array(T).keys()]);
  });

  it('frames without a pose: partial, usable, and the cameras hold only the frames with one', () => {
    const r = cameraResult(
      solve('partial', [4, 5, 6]),
      { ...req, method: 'xfeat', lens: { focalPx: 500, width: W, source: 'user' } },
      80,
    );
    expect(r).toMatchObject({ status: 'partial', usable: true, frames: 7 });
    expect(r.report).toMatchObject({ tracker: 'xfeat', movingTracks: 3 });
    expect(r.report.frames.filter((f) => f.status === 'unsolved').map((f) => f.index)).toEqual([4, 5, 6]);
    expect(r.message).toBe(
      'frames 0–3 solved; 4–6 unsolved; 7–9 solved · focal 500.0 px (65.2° horizontal), from the lens you gave · XFeat tracks',
    );
    expect(parseCamerasJson(r.camerasJson!).frames.map((f) => f.index)).toEqual([0, 1, 2, 3, 7, 8, 9]);
  });

  it('a verdict that leaves frames without a pose is partial whatever it says', () => {
    expect(cameraResult(solve('solved', [9]), req, 0).status).toBe('partial');
  });

  it('a failed solve is not usable: why it failed, and the frames it registered before', () => {
    const r = cameraResult(
      solve('failed', [5, 6, 7, 8, 9], 'could not solve the camera: lost the camera at frame 5'),
      req,
      40,
    );
    expect(r).toMatchObject({ status: 'failed', usable: false, frames: 5 });
    expect(r.message).toBe('could not solve the camera: lost the camera at frame 5 · KLT tracks');
    const none = cameraResult(solve('failed', [...Array(T).keys()], 'could not solve the camera: x'), req, 0);
    expect(none).toMatchObject({ usable: false, camerasJson: null, frames: 0 });
  });

  it('the later stages read a partial camera frame by frame, null where it has no pose', () => {
    const r = cameraResult(solve('partial', [0, 4, 9]), req, 0);
    const cams = camerasByFrame(parseCamerasJson(r.camerasJson!), T);
    expect(cams.map((c) => (c ? c.C[0] : null))).toEqual(
      [null, 0.1, 0.2, 0.3, null, 0.5, 0.6, 0.7, 0.8, null].map((x) =>
        x === null ? null : expect.closeTo(x, 9),
      ),
    );
  });
});
