import { COLOUR_TAGS } from '../../../src-shared/api/contract';

export type ColourTag = (typeof COLOUR_TAGS)[number];

export { COLOUR_TAGS };

/** Swatches chosen to stay distinguishable on dark grey. */
export const TAG_COLOURS: Record<ColourTag, string> = {
  none: 'transparent',
  red: '#e0524f',
  orange: '#e58a3a',
  yellow: '#d9c241',
  green: '#5cb85c',
  cyan: '#4cc3d1',
  blue: '#4f86e0',
  purple: '#9b6ade',
  pink: '#de6aa9',
};
