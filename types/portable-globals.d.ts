/**
 * The few globals src-shared may use because Node and browsers both have them. Only the src-shared
 * type-check sees this file (src-shared/tsconfig.json), which has no Node or DOM types: using anything
 * else there (fs, window, Buffer, document) fails `npm run typecheck`.
 */
declare class URLSearchParams {
  constructor(init?: string | Record<string, string>);
  get(name: string): string | null;
  has(name: string): boolean;
  set(name: string, value: string): void;
  toString(): string;
}
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  decode(input?: Uint8Array): string;
}
/** Opaque here: only the renderer (DOM) and preload (Electron) look inside a dropped File. */
interface File {
  readonly name: string;
}
