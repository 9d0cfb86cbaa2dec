/**
 * The manifest members that let the operating system send documents to the installed app: `file_handlers`
 * ("Open with Passage") and `share_target` ("Share → Passage"). vite.config.ts puts them in the built manifest;
 * os-manifest.test.ts checks that every type listed here is one the importer reads (src/import/detect.ts).
 */

/** MIME type → extensions, for the types Passage imports (.txt .md .html .pdf .docx and their usual spellings). */
export const OPENABLE_TYPES: Record<string, string[]> = {
  'text/plain': ['.txt', '.text'],
  'text/markdown': ['.md', '.markdown'],
  'text/html': ['.html', '.htm'],
  'application/xhtml+xml': ['.xhtml'],
  'application/pdf': ['.pdf'],
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': ['.docx'],
};

/** "Open with Passage": the files arrive in the app's `launchQueue` (os-documents.ts). */
export const FILE_HANDLERS = [{ action: './', accept: OPENABLE_TYPES }];

/**
 * "Share → Passage": a multipart POST to `share-target` (relative to the manifest, inside the app's scope), which
 * the service worker answers (share-target-sw.ts). Files are accepted by MIME type and by extension: some systems
 * share Markdown as text/plain or with no type at all.
 */
export const SHARE_TARGET = {
  action: 'share-target',
  method: 'POST' as const,
  enctype: 'multipart/form-data',
  params: {
    title: 'title',
    text: 'text',
    url: 'url',
    files: [{ name: 'files', accept: Object.entries(OPENABLE_TYPES).flatMap(([type, extensions]) => [type, ...extensions]) }],
  },
};
