/** Types of scripts/build-wasm.mjs for the test that checks the committed modules are fresh. */
export interface WasmModule {
  source: string;
  out: string;
  name: string;
}
export const MODULES: WasmModule[];
export function compile(source: string): Promise<Buffer>;
export function generated(mod: WasmModule, bytes: Buffer): string;
