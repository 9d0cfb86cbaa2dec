import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fromOffsets, splitDocument, toOffsets, vectorKey, type PassageSpan } from './split.ts';

/** A stand-in tokenizer: one piece per whitespace-separated word, plus [CLS] and [SEP]. */
const countWords = (text: string) => (text.match(/\S+/gu)?.length ?? 0) + 2;

function assertRoundTrip(text: string, passages: PassageSpan[]): void {
  passages.forEach((p, i) => {
    assert.equal(p.ordinal, i);
    assert.equal(p.text, text.slice(p.start, p.end));
    assert.equal(p.context, text.slice(p.start - p.context.length, p.start), 'context is the text just before');
    assert.equal(p.text, p.text.trim(), 'passages are trimmed');
    if (i > 0) assert.ok(p.start > passages[i - 1]!.start, 'passages advance');
  });
}

const para = (n: number, word = 'word') => Array.from({ length: n }, (_, i) => `${word}${i}`).join(' ') + '.';

describe('splitDocument', () => {
  it('returns no passages for empty or whitespace-only text', () => {
    assert.deepEqual(splitDocument('', countWords, { maxTokens: 50 }), []);
    assert.deepEqual(splitDocument(' \r\n\t\u00a0\u2003\n\n  ', countWords, { maxTokens: 50 }), []);
  });

  it('splits paragraphs on blank lines with LF, CRLF, CR and whitespace-only lines', () => {
    const paragraphs = [para(10, 'alpha'), para(10, 'beta'), para(10, 'gamma'), para(10, 'delta')];
    const text = `${paragraphs[0]}\r\n\r\n${paragraphs[1]}\r\r${paragraphs[2]}\n \u00a0\t\n${paragraphs[3]}\n`;
    const passages = splitDocument(text, countWords, { maxTokens: 50 });
    assert.deepEqual(
      passages.map((p) => p.text),
      paragraphs,
    );
    assertRoundTrip(text, passages);
  });

  it('keeps single line breaks inside a paragraph', () => {
    const text = `${para(8, 'a')}\n${para(8, 'b')}`;
    const passages = splitDocument(text, countWords, { maxTokens: 50 });
    assert.equal(passages.length, 1);
    assert.equal(passages[0]!.text, text);
  });

  it('joins short headings and bylines to the paragraph that follows', () => {
    const body = para(12);
    const text = `Title\n\nBy A. Writer\n\n${body}\n\n${para(12, 'xray')}`;
    const passages = splitDocument(text, countWords, { maxTokens: 50 });
    assert.equal(passages.length, 2);
    assert.ok(passages[0]!.text.startsWith('Title\n\nBy A. Writer\n\n'));
    assert.ok(passages[0]!.text.endsWith(body));
    assertRoundTrip(text, passages);
  });

  it('joins a short last paragraph to the one before it', () => {
    const text = `${para(12)}\n\nThanks!`;
    const passages = splitDocument(text, countWords, { maxTokens: 50 });
    assert.equal(passages.length, 1);
    assert.equal(passages[0]!.text, text);
  });

  it('drops letterless lines and lines repeated on every page, but only at paragraph edges', () => {
    const footer = 'ACME Quarterly Report';
    const page = (n: number) => `${para(12, `p${n}`)}\n${footer}\n- ${n} -`;
    const text = [page(1), page(2), page(3), '* * *', `${para(12, 'tail')}\n12345\n${para(3, 'end')}`].join('\n\n');
    const passages = splitDocument(text, countWords, { maxTokens: 50 });
    assert.equal(passages.length, 4);
    for (const p of passages) {
      assert.ok(!p.text.includes(footer), `footer kept in: ${p.text}`);
      assert.ok(!p.text.includes('* * *'));
    }
    assert.ok(passages[3]!.text.includes('12345'), 'a letterless line inside a paragraph stays (passages are slices)');
    assertRoundTrip(text, passages);
  });

  it('cuts a paragraph over the budget at sentence boundaries, overlapping by one short sentence', () => {
    const sentences = Array.from({ length: 12 }, (_, i) => `Sentence ${i} has exactly six words.`);
    const text = sentences.join(' ');
    const passages = splitDocument(text, countWords, { maxTokens: 30 });
    assertRoundTrip(text, passages);
    assert.ok(passages.length > 1);
    for (const p of passages) {
      assert.ok(countWords(p.text) <= 30, `over budget: ${p.text}`);
      assert.ok(/^Sentence \d+/.test(p.text) && p.text.endsWith('words.'), 'windows start and end at sentences');
    }
    for (let i = 1; i < passages.length; i++) {
      const previousLast = passages[i - 1]!.text.split(/(?<=\.) /).at(-1)!;
      assert.ok(passages[i]!.text.startsWith(previousLast), 'next window repeats the last sentence');
    }
    const covered = new Set(passages.flatMap((p) => p.text.match(/Sentence \d+/g) ?? []));
    assert.equal(covered.size, sentences.length, 'every sentence lands in some window');
  });

  it('respects a smaller targetTokens', () => {
    const text = Array.from({ length: 12 }, (_, i) => `Sentence ${i} has exactly six words.`).join(' ');
    const passages = splitDocument(text, countWords, { maxTokens: 256, targetTokens: 16 });
    assert.ok(passages.length >= 6);
    for (const p of passages) assert.ok(countWords(p.text) <= 16);
  });

  it('cuts a single sentence over the budget between words', () => {
    const text = para(100);
    const passages = splitDocument(text, countWords, { maxTokens: 12 });
    assertRoundTrip(text, passages);
    assert.equal(passages.length, 10);
    for (const p of passages) assert.ok(countWords(p.text) <= 12);
    assert.equal(passages.map((p) => p.text).join(' '), text, 'word cuts do not overlap or lose words');
  });

  it('handles Unicode text and offsets round-trip', () => {
    const text =
      '\ufeff  Ünïcödé paragraph — with “quotes” and emoji 🎉 inside the text.\u2028Still the same paragraph.' +
      '\u2029日本語の段落です。とても長い文章ではありませんが、四十文字を超えるように書いています。';
    const passages = splitDocument(text, countWords, { maxTokens: 100 });
    assert.equal(passages.length, 2);
    assert.ok(passages[0]!.text.startsWith('Ünïcödé'));
    assert.ok(passages[1]!.text.startsWith('日本語'));
    assertRoundTrip(text, passages);
  });

  it('keeps a document that is only one short line', () => {
    const passages = splitDocument('Hello.', countWords, { maxTokens: 50 });
    assert.deepEqual(passages, [{ ordinal: 0, start: 0, end: 6, text: 'Hello.', context: '' }]);
  });

  describe('context', () => {
    const first = 'Seoul and Tokyo are quarrelling over an intelligence-sharing pact. Washington wants the pact kept.';
    const second = 'The pact, called GSOMIA by everyone involved, is set to expire on Nov. 23.';

    it("gives each passage after the first the previous passage's last sentence as context", () => {
      const text = `${first}\n\n${second}`;
      const passages = splitDocument(text, countWords, { maxTokens: 50 });
      assert.deepEqual(passages.map((p) => p.context), ['', 'Washington wants the pact kept.\n\n']);
      assertRoundTrip(text, passages);
    });

    it('leaves the context out when context and passage together would exceed the model input', () => {
      const text = `${first}\n\n${second}`;
      const secondTokens = countWords(second);
      const passages = splitDocument(text, countWords, { maxTokens: secondTokens + 3 }); // the context is 5 words
      assert.equal(passages.length, 2);
      assert.equal(passages[1]!.context, '');
      assert.ok(countWords(passages[1]!.context + passages[1]!.text) <= secondTokens + 3);
    });

    it('keys a vector by the text alone without context, and by text and context with it', () => {
      assert.equal(vectorKey({ context: '', text: 'It expires soon.' }), 'It expires soon.');
      const keys = [
        vectorKey({ context: 'A pact. ', text: 'It expires soon.' }),
        vectorKey({ context: 'A pact. It ', text: 'expires soon.' }), // same characters, another cut
        vectorKey({ context: 'A carton. ', text: 'It expires soon.' }),
      ];
      assert.equal(new Set(keys).size, 3);
      assert.ok(!keys.includes('It expires soon.'));
    });

    it('adds no context where a cut paragraph already repeats the sentence before', () => {
      const sentences = Array.from({ length: 30 }, (_, i) => `Sentence ${i} is short.`);
      const passages = splitDocument(sentences.join(' '), countWords, { maxTokens: 30 });
      assert.ok(passages.length > 2);
      for (const p of passages.slice(1)) assert.equal(p.context, '', `window ${p.ordinal} overlaps the previous one`);
    });
  });
});

describe('span offsets', () => {
  it('round-trip spans with and without context, and refuse offsets outside the text', () => {
    const text = 'First sentence here. Second one follows.\n\nA new paragraph starts.';
    const spans = [
      { ordinal: 0, start: 0, end: 40, text: text.slice(0, 40), context: '' },
      { ordinal: 1, start: 42, end: text.length, text: text.slice(42), context: text.slice(21, 42) },
    ];
    assert.deepEqual(fromOffsets(text, toOffsets(spans)), spans);
    assert.throws(() => fromOffsets('short', toOffsets(spans)), /out of its document's range/);
  });
});
