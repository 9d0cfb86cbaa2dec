/**
 * Reads that the code's own invariants say cannot miss (an item of a list of the same length, a key just set): a
 * miss is a bug, so it throws an Error that names what was missing rather than passing undefined on.
 */
export function itemAt<T>(items: ArrayLike<T>, index: number, what = 'item'): T {
  const item = items[index];
  if (item === undefined) throw new Error(`Passage: ${what} ${index} is missing (${items.length} in all).`);
  return item;
}

export function lastOf<T>(items: ArrayLike<T>, what = 'item'): T {
  return itemAt(items, items.length - 1, what);
}

export function valueOf<K, V>(map: ReadonlyMap<K, V>, key: K, what = 'entry'): V {
  const value = map.get(key);
  if (value === undefined) throw new Error(`Passage: no ${what} for ${String(key)}.`);
  return value;
}
