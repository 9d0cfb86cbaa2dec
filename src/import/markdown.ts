/**
 * Markdown → plain text. Light-handed on purpose: the words are what gets embedded, so the syntax around them
 * is removed (heading hashes, emphasis, link targets, list bullets, table pipes, fences) and everything a
 * reader would read is kept. Pure; unit-tested.
 */
/**
 * A link or image target: `(url)` or `(url "title")`, where the URL may hold balanced parentheses, as Wikipedia
 * links do (`https://en.wikipedia.org/wiki/Mercury_(planet)`): `[^)]*` stopped at the first ")" and left the rest.
 */
const TARGET = String.raw`\(\s*(?:<[^>]*>|(?:[^()\s]|\([^()\s]*\))*)(?:\s+(?:"[^"]*"|'[^']*'|\([^)]*\)))?\s*\)`;
const IMAGE = new RegExp(String.raw`!\[([^\]]*)\]` + TARGET, 'g');
const LINK = new RegExp(String.raw`\[([^\]]+)\]` + TARGET, 'g');

export function markdownToText(markdown: string): string {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  let inFence = false;
  for (const raw of lines) {
    if (/^\s*(```|~~~)/.test(raw)) {
      inFence = !inFence;
      continue;
    }
    if (inFence) {
      out.push(raw);
      continue;
    }
    let line = raw;
    // Setext underlines and horizontal rules carry no words.
    if (/^\s*(=+|-+|\*{3,}|_{3,})\s*$/.test(line) && !/^\s*-\s+\S/.test(line)) {
      out.push('');
      continue;
    }
    line = line
      .replace(/^\s{0,3}#{1,6}\s+/, '') // ATX heading
      .replace(/\s+#+\s*$/, '') // closing hashes
      .replace(/^\s*>\s?/, '') // block quote
      .replace(/^(\s*)(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s+)?/, '$1') // list bullet, task box
      .replace(IMAGE, '$1') // image → alt text
      .replace(LINK, '$1') // link → text
      .replace(/\[([^\]]+)\]\[[^\]]*\]/g, '$1') // reference link
      .replace(/^\s{0,3}\[[^\]]+\]:\s+\S+.*$/, '') // link definition
      .replace(/<\/?[A-Za-z][^>]*>/g, '') // inline HTML tags
      .replace(/`([^`]+)`/g, '$1') // inline code
      .replace(/(\*\*|__)(?=\S)(.+?)(?<=\S)\1/g, '$2') // bold
      .replace(/(^|[^\w*])([*_])(?=\S)(.+?)(?<=\S)\2(?!\w)/g, '$1$3') // italic
      .replace(/~~(?=\S)(.+?)(?<=\S)~~/g, '$1'); // strike-through
    if (line.includes('|') && /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/.test(line)) continue; // table rule
    if (/^\s*\|.*\|\s*$/.test(line)) {
      line = line
        .trim()
        .replace(/^\||\|$/g, '')
        .split('|')
        .map((cell) => cell.trim())
        .join(' · ');
    }
    out.push(line);
  }
  return out.join('\n');
}
