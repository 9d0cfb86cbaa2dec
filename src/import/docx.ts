/**
 * .docx → plain text with mammoth's browser build (it bundles its own zip reader), loaded on first use.
 * mammoth separates paragraphs with blank lines already.
 */
export async function docxToText(bytes: ArrayBuffer): Promise<string> {
  const { default: mammoth } = await import('mammoth/mammoth.browser.min.js');
  const result = await mammoth.extractRawText({ arrayBuffer: bytes });
  return result.value;
}
