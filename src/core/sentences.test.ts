import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { splitSentences } from './sentences.ts';

const sentencesOf = (text: string) => splitSentences(text).map((s) => text.slice(s.start, s.end));

describe('splitSentences', () => {
  it('splits plain sentences ending in . ! ?', () => {
    assert.deepEqual(sentencesOf('One thing. Two things! Three things? Four'), [
      'One thing.',
      'Two things!',
      'Three things?',
      'Four',
    ]);
  });

  it('keeps titles, months and initials inside the sentence', () => {
    assert.deepEqual(sentencesOf('Mr. Kim met Dr. Lee on Jan. 24 in Seoul. N. Korea said no.'), [
      'Mr. Kim met Dr. Lee on Jan. 24 in Seoul.',
      'N. Korea said no.',
    ]);
    assert.deepEqual(sentencesOf('President Donald J. Trump spoke. It was late.'), [
      'President Donald J. Trump spoke.',
      'It was late.',
    ]);
  });

  it('breaks after an initialism only when a sentence opener follows', () => {
    assert.deepEqual(sentencesOf('A senior U.S. official spoke for the U.S. The U.S. also objected.'), [
      'A senior U.S. official spoke for the U.S.',
      'The U.S. also objected.',
    ]);
    assert.deepEqual(sentencesOf('Workers must go home by Dec. 22, the U.N. said.'), [
      'Workers must go home by Dec. 22, the U.N. said.',
    ]);
  });

  it('does not break inside decimals or before a lower-case word', () => {
    assert.deepEqual(sentencesOf('Growth was 3.5 percent. e.g. this stays. The issue ... is big.'), [
      'Growth was 3.5 percent. e.g. this stays.',
      'The issue ... is big.',
    ]);
  });

  it('keeps closing quotes with their sentence and breaks before an opening quote', () => {
    assert.deepEqual(sentencesOf('"We are hopeful." He left. "Why?" she asked. "Now," he said.'), [
      '"We are hopeful."',
      'He left.',
      '"Why?" she asked.',
      '"Now," he said.',
    ]);
  });

  it('always breaks at blank lines, with offsets into the original', () => {
    const text = '  Heading\r\n\r\nBody text here.\u2029Next ';
    const spans = splitSentences(text);
    assert.deepEqual(
      spans.map((s) => text.slice(s.start, s.end)),
      ['Heading', 'Body text here.', 'Next'],
    );
    assert.equal(spans[0]!.start, 2);
  });

  it('returns nothing for empty or blank text', () => {
    assert.deepEqual(splitSentences(''), []);
    assert.deepEqual(splitSentences(' \n\u00a0\u3000\t'), []);
  });
});
