/**
 * Page-side JavaScript shared by the browser benchmarks' instrumentation scripts, kept as a string so no
 * transpiler helpers leak into the page. Paste it at the top of an IIFE: it defines `all(root, selector, out)`
 * (every element matching `selector`, through open shadow roots) and `inside(host, inner)` (elements matching
 * `inner` in the shadow roots of every `host`: descendant selectors stop at shadow roots).
 */
export const SHADOW_QUERIES = `  const all = (root, selector, out) => {
    for (const el of root.querySelectorAll('*')) {
      if (el.matches(selector)) out.push(el);
      if (el.shadowRoot) all(el.shadowRoot, selector, out);
    }
    return out;
  };
  const inside = (host, inner) => all(document, host, []).flatMap((h) => [...(h.shadowRoot ?? h).querySelectorAll(inner)]);
`;
