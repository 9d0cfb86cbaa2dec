/**
 * HTML → plain text with DOMParser. A document made by DOMParser is inert: scripts don't run and images,
 * styles and frames are never fetched, as long as nothing from it is attached to the live page — and nothing
 * is: only strings leave this module.
 */

/** Elements whose content is not prose. */
const SKIP = new Set([
  'SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'IFRAME', 'OBJECT', 'EMBED', 'SVG', 'MATH', 'CANVAS',
  'HEAD', 'TITLE', 'META', 'LINK', 'BUTTON', 'SELECT', 'INPUT', 'TEXTAREA', 'NAV',
]);

/** Elements that start a new paragraph. */
const BLOCK = new Set([
  'ADDRESS', 'ARTICLE', 'ASIDE', 'BLOCKQUOTE', 'DD', 'DETAILS', 'DIV', 'DL', 'DT', 'FIELDSET', 'FIGCAPTION',
  'FIGURE', 'FOOTER', 'FORM', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'HEADER', 'HR', 'LI', 'MAIN', 'OL', 'P', 'PRE',
  'SECTION', 'SUMMARY', 'TABLE', 'TBODY', 'THEAD', 'TFOOT', 'TR', 'UL', 'CAPTION',
]);

export interface HtmlText {
  title: string;
  text: string;
}

export function htmlToText(source: string): HtmlText {
  const doc = new DOMParser().parseFromString(source, 'text/html');
  const title = doc.title.replace(/\s+/g, ' ').trim();
  const paragraphs: string[] = [];
  let current = '';
  const breakParagraph = () => {
    const text = current.replace(/[ \t]+/g, ' ').replace(/ ?\n ?/g, '\n').trim();
    if (text) paragraphs.push(text);
    current = '';
  };

  const walk = (node: Node, pre: boolean) => {
    if (node.nodeType === Node.TEXT_NODE) {
      const value = node.nodeValue ?? '';
      current += pre ? value : value.replace(/\s+/g, ' ');
      return;
    }
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    const element = node as Element;
    const tag = element.tagName.toUpperCase();
    if (SKIP.has(tag) || element.hasAttribute('hidden') || element.getAttribute('aria-hidden') === 'true') return;
    if (tag === 'BR') {
      current += '\n';
      return;
    }
    if (tag === 'IMG') {
      // The alt text is what a reader of the page would get; the image itself is never loaded.
      const alt = element.getAttribute('alt')?.trim();
      if (alt) current += ` ${alt} `;
      return;
    }
    const block = BLOCK.has(tag);
    if (block) breakParagraph();
    const isCell = tag === 'TD' || tag === 'TH';
    for (const child of Array.from(element.childNodes)) walk(child, pre || tag === 'PRE');
    if (isCell) current += ' · ';
    if (block) breakParagraph();
  };

  walk(doc.body, false); // the HTML parser always makes a body
  breakParagraph();
  return { title, text: paragraphs.map((p) => p.replace(/( · )+$/, '')).join('\n\n') };
}
