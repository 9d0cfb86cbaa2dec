/** The page's Web Locks API; undefined where there is none (insecure context, Node's navigator, very old browsers). */
export function browserLocks(): LockManager | undefined {
  return typeof navigator !== 'undefined' && 'locks' in navigator ? navigator.locks : undefined;
}
