/**
 * The real OpenEXR readers the delivery tests check files with: `exrheader` (Debian openexr), OpenCV
 * (python3-opencv, which reads only R, G, B, A and Y channels) and Blender (whose compositor Image node
 * gives a file's Z channel on its Depth socket; the test renders that socket out and reads it back).
 */
import { execFile, spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const PY = '/usr/bin/python3';

export const hasExrheader = spawnSync('exrheader', [], { encoding: 'utf8' }).error === undefined;
export const hasCv2 = spawnSync(PY, ['-c', 'import cv2, numpy'], { encoding: 'utf8' }).status === 0;
export const hasBlender = spawnSync('blender', ['--version'], { encoding: 'utf8' }).status === 0;

export async function exrheader(file: string): Promise<string> {
  const { stdout } = await run('exrheader', [file]);
  return stdout;
}

const CV_READ = `
import os, sys, json
os.environ['OPENCV_IO_ENABLE_OPENEXR'] = '1'
import cv2
im = cv2.imread(sys.argv[1], cv2.IMREAD_UNCHANGED)
if im is None:
    sys.exit('cv2 could not read ' + sys.argv[1])
print(json.dumps({'shape': list(im.shape), 'dtype': str(im.dtype), 'data': im.reshape(-1).tolist()}))
`;

/** Pixels as OpenCV reads them: height × width × channels in B, G, R, A order, float32. */
export async function opencvRead(file: string): Promise<{ shape: number[]; dtype: string; data: number[] }> {
  const { stdout } = await run(PY, ['-c', CV_READ, file], { maxBuffer: 256 << 20 });
  return JSON.parse(stdout) as { shape: number[]; dtype: string; data: number[] };
}

const BLENDER_DEPTH = `
import bpy, sys
src, out = sys.argv[sys.argv.index('--') + 1:][:2]
img = bpy.data.images.load(src)
sc = bpy.context.scene
sc.render.resolution_x, sc.render.resolution_y = img.size[0], img.size[1]
sc.render.resolution_percentage = 100
sc.view_settings.view_transform = 'Standard'
sc.use_nodes = True
tree = sc.node_tree
for n in list(tree.nodes):
    tree.nodes.remove(n)
node = tree.nodes.new('CompositorNodeImage')
node.image = img
comp = tree.nodes.new('CompositorNodeComposite')
tree.links.new(node.outputs['Depth'], comp.inputs['Image'])
bpy.ops.render.render()
st = sc.render.image_settings
st.file_format, st.color_depth, st.color_mode = 'OPEN_EXR', '32', 'RGB'
bpy.data.images['Render Result'].save_render(out)
`;

/**
 * The Z channel as Blender's compositor sees it (Image node → Depth socket), rendered to a float EXR and
 * read back with OpenCV: width × height floats, top row first. Blender centres odd sizes, so give it even ones.
 */
export async function blenderDepth(file: string, scratch: string): Promise<Float32Array> {
  const out = path.join(scratch, `${path.basename(file)}.blender.exr`);
  await run('blender', ['-b', '--factory-startup', '--python-expr', BLENDER_DEPTH, '--', file, out], {
    maxBuffer: 64 << 20,
  });
  await readFile(out); // fails clearly when Blender wrote nothing
  const im = await opencvRead(out);
  const [h, w] = im.shape as [number, number, number];
  // OpenCV gives B, G, R: Blender writes the depth in all three
  return Float32Array.from({ length: w * h }, (_, i) => im.data[3 * i + 2]!);
}

const BLENDER_SEQUENCE = `
import bpy, sys, json
folder, *names = sys.argv[sys.argv.index('--') + 1:]
sc = bpy.context.scene
sc.sequence_editor_create()
strip = sc.sequence_editor.sequences.new_image('plate', folder + '/' + names[0], 1, 1)
for n in names[1:]:
    strip.elements.append(n)
out = {'duration': strip.frame_final_duration, 'names': [e.filename for e in strip.elements], 'frames': []}
for n in names:
    img = bpy.data.images.load(folder + '/' + n)
    px = img.pixels[:]
    out['frames'].append({'size': list(img.size), 'transparent': sum(1 for a in px[3::4] if a == 0.0)})
print('RESULT ' + json.dumps(out))
`;

export interface BlenderSequence {
  duration: number;
  names: string[];
  frames: { size: [number, number]; transparent: number }[];
}

/**
 * An image sequence as Blender takes it in: an image strip of the files in the video sequencer (its
 * length and file names), and each file loaded as an image (its size and how many pixels are fully
 * transparent).
 */
export async function blenderSequence(folder: string, names: readonly string[]): Promise<BlenderSequence> {
  const { stdout } = await run(
    'blender',
    ['-b', '--factory-startup', '--python-expr', BLENDER_SEQUENCE, '--', folder, ...names],
    { maxBuffer: 64 << 20 },
  );
  const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`Blender said nothing about ${folder}: ${stdout.slice(-2000)}`);
  return JSON.parse(line.slice('RESULT '.length)) as BlenderSequence;
}
