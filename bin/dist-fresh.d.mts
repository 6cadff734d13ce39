/** True when dist/ under root holds exactly the modules that src/ builds to and none is older than any source. */
export function distIsFresh(root: string): boolean;
