import type { ImportedText } from './api.ts';

/** A three-paragraph document the facade tests add, index and search. */
export const RIVERS: ImportedText = {
  title: 'Rivers',
  type: 'txt',
  size: 0,
  text: [
    'Rivers carry fresh water from the mountains down to the sea. They shape valleys over millions of years.',
    'The longest river in Africa is the Nile, which flows north into the Mediterranean.',
    'Deltas form where a river slows down and drops the sand and silt it was carrying.',
  ].join('\n\n'),
};
