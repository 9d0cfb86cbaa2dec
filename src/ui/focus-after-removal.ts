/**
 * Where keyboard focus goes when an item of a list is removed (pure; unit-tested): the item itself while it is
 * still listed, then the item that took its place, else the one before it, else the list's heading.
 */
export type FocusTarget = { kind: 'still-there'; id: string } | { kind: 'item'; id: string } | { kind: 'heading' };

export function nextFocusAfterRemoval(ids: readonly string[], removed: { id: string; index: number }): FocusTarget {
  if (ids.includes(removed.id)) return { kind: 'still-there', id: removed.id };
  const at = Math.min(Math.max(removed.index, 0), ids.length - 1);
  const id = ids[at];
  return id === undefined ? { kind: 'heading' } : { kind: 'item', id };
}
