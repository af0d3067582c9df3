/**
 * The state of one viewer — its playhead and what it shows — made per view and handed down through
 * Svelte context, so two viewers (source and target, side by side) each keep their own. The view's
 * owner makes it (`createViewState()`) and provides it (`provideView()`, or a `ViewScope` around the
 * viewer); the viewer and its overlays read it with `useView()`.
 */
import { getContext, setContext } from 'svelte';
import { Overlays } from './overlays.svelte';
import { Playback } from './playback.svelte';

export interface ViewState {
  readonly playback: Playback;
  readonly overlays: Overlays;
}

export function createViewState(): ViewState {
  return { playback: new Playback(), overlays: new Overlays() };
}

const VIEW = Symbol('view');

/** Makes `view` the view of this component and everything under it; call during initialisation. */
export function provideView(view: ViewState = createViewState()): ViewState {
  setContext(VIEW, view);
  return view;
}

/** The view this component belongs to; call during initialisation. */
export function useView(): ViewState {
  const view = getContext<ViewState | undefined>(VIEW);
  if (!view) throw new Error('useView(): no view above this component (provideView() or a ViewScope)');
  return view;
}
