/** Reshoot's version, as package.json says (a unit test keeps them equal); renders record it. */
export const RESHOOT_VERSION = '0.1.0';
