import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DocumentSummary } from '../app/api.ts';
import { viewDocuments, windowRange } from './library-view.ts';

function doc(title: string, added: number, size: number): DocumentSummary {
  return { id: title, title, type: 'txt', size, sha256: title, added, passageCount: 1, indexedCount: 1 };
}

const docs = [doc('Étude on rivers', 3, 10), doc('State of the Union 1790', 1, 300), doc('state of the union 1941', 2, 20), doc('Notes 10', 4, 5), doc('Notes 9', 5, 5)];
const titles = (list: DocumentSummary[]) => list.map((d) => d.title);

describe('viewDocuments', () => {
  it('keeps the titles holding every typed word, ignoring case, accents and word order', () => {
    assert.deepEqual(titles(viewDocuments(docs, 'UNION state', 'oldest')), ['State of the Union 1790', 'state of the union 1941']);
    assert.deepEqual(titles(viewDocuments(docs, 'etude', 'oldest')), ['Étude on rivers']);
    assert.deepEqual(titles(viewDocuments(docs, 'union 1941', 'oldest')), ['state of the union 1941']);
    assert.deepEqual(viewDocuments(docs, 'lighthouse', 'oldest'), []);
    assert.equal(viewDocuments(docs, '   ', 'oldest').length, docs.length);
  });

  it('sorts by date added either way, by title (numbers in order) and by size', () => {
    assert.deepEqual(titles(viewDocuments(docs, '', 'newest')).slice(0, 2), ['Notes 9', 'Notes 10']);
    assert.deepEqual(titles(viewDocuments(docs, '', 'oldest'))[0], 'State of the Union 1790');
    assert.deepEqual(titles(viewDocuments(docs, 'notes', 'title')), ['Notes 9', 'Notes 10']);
    assert.deepEqual(titles(viewDocuments(docs, '', 'largest'))[0], 'State of the Union 1790');
  });

  it('does not reorder the list it was given', () => {
    const before = titles(docs);
    viewDocuments(docs, '', 'title');
    assert.deepEqual(titles(docs), before);
  });
});

describe('windowRange', () => {
  const base = { count: 1000, rowHeight: 90, viewport: 450, overscan: 4 };

  it('renders the rows in view plus the overscan on each side, never the whole list', () => {
    assert.deepEqual(windowRange({ ...base, scrollTop: 0 }), { start: 0, end: 9 });
    assert.deepEqual(windowRange({ ...base, scrollTop: 9000 }), { start: 96, end: 109 });
    const { start, end } = windowRange({ ...base, scrollTop: 89_550 }); // scrolled to the bottom
    assert.equal(end, 1000);
    assert.ok(end - start <= 5 + 2 * 4 + 1);
  });

  it('handles short lists, empty lists and a scroll position past the end', () => {
    assert.deepEqual(windowRange({ ...base, count: 3, scrollTop: 0 }), { start: 0, end: 3 });
    assert.deepEqual(windowRange({ ...base, count: 0, scrollTop: 0 }), { start: 0, end: 0 });
    const past = windowRange({ ...base, count: 20, scrollTop: 1e6 });
    assert.equal(past.end, 20);
    assert.ok(past.start < 20);
  });
});
