/** Which importer reads a file, from its name (and, failing that, its MIME type). Pure. */
import type { FileKind } from '../core/types.ts';

export type { FileKind };

const BY_EXTENSION: Record<string, FileKind> = {
  txt: 'txt',
  text: 'txt',
  md: 'md',
  markdown: 'md',
  html: 'html',
  htm: 'html',
  xhtml: 'html',
  pdf: 'pdf',
  docx: 'docx',
};

const BY_MIME: Record<string, FileKind> = {
  'text/plain': 'txt',
  'text/markdown': 'md',
  'text/html': 'html',
  'application/xhtml+xml': 'html',
  'application/pdf': 'pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
};

/** The `accept` attribute for the file picker. */
export const ACCEPTED_FILES = '.txt,.text,.md,.markdown,.html,.htm,.xhtml,.pdf,.docx';

/** A short human list of what can be imported, for messages. */
export const ACCEPTED_LABEL = '.txt, .md, .html, .pdf and .docx';

export function extensionOf(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

/** The importer for a file, or null when Passage cannot read it. The extension wins over the MIME type. */
export function detectKind(fileName: string, mimeType = ''): FileKind | null {
  const ext = extensionOf(fileName);
  if (ext) return BY_EXTENSION[ext] ?? null;
  const [essence = ''] = mimeType.split(';');
  return BY_MIME[essence.trim().toLowerCase()] ?? null;
}

/** A document title from a file name: no folders, no extension, separators turned into spaces. */
export function titleFromFileName(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  const dot = base.lastIndexOf('.');
  const stem = dot > 0 ? base.slice(0, dot) : base;
  const title = stem.replace(/[_]+/g, ' ').replace(/\s+/g, ' ').trim();
  return title || 'Untitled';
}

/** A title for pasted text: its first line, shortened at a word boundary. */
export function titleFromText(text: string, maxLength = 60): string {
  const first = text.trim().split('\n', 1)[0]?.trim() ?? '';
  if (!first) return 'Pasted text';
  if (first.length <= maxLength) return first;
  const cut = first.slice(0, maxLength);
  const space = cut.lastIndexOf(' ');
  return `${(space > maxLength / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
