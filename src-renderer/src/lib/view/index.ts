/** Per-view state: one viewer's playhead and overlays, handed down through Svelte context. */
export { createViewState, provideView, useView, type ViewState } from './view-state';
export type { Playback } from './playback.svelte';
export type { DepthOverlayMode, Overlays, ViewerMode } from './overlays.svelte';
export { controlKeepsKey, focusKind, viewerKey, type FocusKind } from './shortcuts';
