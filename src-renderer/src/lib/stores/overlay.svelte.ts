/**
 * The overlays are per view now (lib/view). This old path only still serves ShotRow.svelte's import of
 * METHOD_LABEL, which lives in lib/format.ts; remove the file once ShotRow imports it from there.
 */
export { METHOD_LABEL } from '../format';
