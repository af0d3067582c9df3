import type { MENU_COMMANDS } from '../../../src-shared/api/contract';

export type MenuCommand = (typeof MENU_COMMANDS)[number];
