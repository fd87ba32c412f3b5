/** A source of uniform integers in [0, n); core rules take it as an argument so they stay pure. */
export type RandomInt = (n: number) => number;
