/**
 * Keyboard focus across shadow roots. When the focused control disappears (a button replaced by the results it
 * asked for, a deleted row) the browser moves focus to <body>, and a keyboard or screen-reader user starts over
 * from the top; components use this to put focus somewhere sensible instead.
 */

/** The element that really has focus, looking inside open shadow roots. */
export function deepActiveElement(root: Document = document): Element | null {
  let active: Element | null = root.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

/**
 * Focus is nowhere useful: on <body> or nothing, or on a control that is no longer in the page or is disabled —
 * or still inside `within` (whose control that had it went away or is about to). False when the person has
 * moved on to something else, which must not be taken away from them.
 */
export function focusWasLost(within?: Element): boolean {
  const active = deepActiveElement();
  if (!active || active === document.body || active === document.documentElement) return true;
  if (!active.isConnected || ('disabled' in active && active.disabled === true)) return true;
  return within !== undefined && (within === active || within.contains(active) || containsAcrossShadow(within, active));
}

function containsAcrossShadow(ancestor: Element, node: Element): boolean {
  let current: Node | null = node;
  while (current) {
    if (current === ancestor) return true;
    current = current.parentNode ?? (current instanceof ShadowRoot ? current.host : null);
  }
  return false;
}
