// One collator for every sort of names people read (files, flag keys, shapes): the order `a.localeCompare(b)` gives,
// without its cost: `localeCompare` sets up its collation on every call, and sorting a workspace's findings with it
// took tens of milliseconds on the language server's main thread.
const collator = new Intl.Collator();

/** `a.localeCompare(b)`, for sorting. */
export function compareText(a: string, b: string): number {
  return collator.compare(a, b);
}
