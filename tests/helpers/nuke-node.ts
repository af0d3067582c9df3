/**
 * An independent reader of Nuke's node text, for tests: knob values, `{curve x<frame> v v …}` animation
 * and array knobs, and the camera a Camera3 node gives at a frame in Reshoot's conventions.
 */
import {
  cvRotationFromGl,
  eulerToMat3,
  quatFromMat3,
  unmapPoint,
  worldToYUp,
  type Camera,
  type EulerOrder,
  type WorldUp,
} from '../../src-shared/geometry';

type NkValue = string | NkValue[];

/** Tcl-ish brace lists: `{a {b c} d}` → ['a', ['b', 'c'], 'd']. */
export function parseNkValue(text: string): NkValue {
  let i = 0;
  const list = (): NkValue[] => {
    const out: NkValue[] = [];
    while (i < text.length) {
      const ch = text[i]!;
      if (/\s/.test(ch)) i++;
      else if (ch === '{') {
        i++;
        out.push(list());
      } else if (ch === '}') {
        i++;
        return out;
      } else {
        const start = i;
        while (i < text.length && !/[\s{}]/.test(text[i]!)) i++;
        out.push(text.slice(start, i));
      }
    }
    return out;
  };
  const all = list();
  return all.length === 1 ? all[0]! : all;
}

/** Nuke's curve: `curve [flags] x<frame> v v …` — each value is the key at the current frame, then frame+1. */
export function curveAt(tokens: NkValue[], frame: number): number {
  const keys = new Map<number, number>();
  let at: number | null = null;
  for (const t of tokens.slice(1)) {
    if (typeof t !== 'string') throw new Error('nested list in a curve');
    if (/^x-?\d+$/.test(t)) at = Number(t.slice(1));
    else if (/^-?[\d.]/.test(t)) {
      if (at === null) throw new Error('curve key before any x<frame>');
      keys.set(at, Number(t));
      at++;
    } else throw new Error(`unexpected curve token ${t}`);
  }
  const v = keys.get(frame);
  if (v === undefined) throw new Error(`no key at frame ${frame}`);
  return v;
}

export function valueAt(v: NkValue, frame: number): number {
  if (typeof v === 'string') {
    const x = Number(v);
    if (!Number.isFinite(x)) throw new Error(`not a number: ${v}`);
    return x;
  }
  if (v[0] === 'curve') return curveAt(v, frame);
  if (v.length === 1) return valueAt(v[0]!, frame);
  throw new Error('expected one value');
}

export function parseNode(text: string): { cls: string; knobs: Map<string, NkValue> } {
  const lines = text.trim().split('\n');
  const head = /^(\w+) \{$/.exec(lines[0]!);
  if (!head) throw new Error(`not a node: ${lines[0]}`);
  if (lines[lines.length - 1] !== '}') throw new Error('the node does not end with }');
  const knobs = new Map<string, NkValue>();
  for (const line of lines.slice(1, -1)) {
    const m = /^ (\w+) (.*)$/.exec(line);
    if (!m) throw new Error(`not a knob line: ${line}`);
    knobs.set(m[1]!, parseNkValue(m[2]!));
  }
  return { cls: head[1]!, knobs };
}

/** The camera a Nuke Camera3 node gives at `frame`, in Reshoot's world and pixel conventions. */
export function cameraAt(
  text: string,
  frame: number,
  width: number,
  height: number,
  worldUp: WorldUp,
): Camera {
  const { knobs } = parseNode(text);
  const knob = (name: string): NkValue => {
    const v = knobs.get(name);
    if (v === undefined) throw new Error(`no ${name} knob`);
    return v;
  };
  const arr = (name: string, n: number, fallback: number[]): number[] => {
    const v = knobs.get(name);
    if (v === undefined) return fallback;
    if (typeof v === 'string' || v.length !== n) throw new Error(`${name}: expected ${n} values`);
    return v.map((c) => valueAt(c, frame));
  };
  const W = worldToYUp(worldUp);
  const t = arr('translate', 3, [0, 0, 0]);
  const r = arr('rotate', 3, [0, 0, 0]).map((d) => (d * Math.PI) / 180);
  const order = knob('rot_order') as EulerOrder;
  const focal = valueAt(knob('focal'), frame);
  const hap = valueAt(knob('haperture'), frame);
  const [wx, wy] = arr('win_translate', 2, [0, 0]);
  const [, sy] = arr('win_scale', 2, [1, 1]);
  const fx = (focal * width) / hap;
  const fy = fx / sy!;
  return {
    C: unmapPoint(W, t as [number, number, number]),
    q: quatFromMat3(cvRotationFromGl(W, eulerToMat3(r as [number, number, number], order))),
    intrinsics: {
      width,
      height,
      fx,
      fy,
      cx: ((1 - wx!) * width) / 2,
      cy: ((wy! / sy!) * width + height) / 2,
    },
  };
}
