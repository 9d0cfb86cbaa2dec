import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TitleIndex } from './title-index.ts';

describe('TitleIndex', () => {
  it('scores the documents whose title shares a word with the query, and only those', () => {
    const titles = new TitleIndex<string>();
    titles.set('a', '1862 abraham lincoln r');
    titles.set('b', '1863 abraham lincoln r');
    titles.set('c', '1790 george washington n');
    const scores = titles.scores('What did Lincoln say about emancipation?');
    assert.deepEqual([...scores.keys()].sort(), ['a', 'b']);
    assert.ok(scores.get('a')! > 0);
    assert.equal(scores.get('a'), scores.get('b'));
  });

  it('gives a rarer title word more weight than a common one', () => {
    const titles = new TitleIndex<string>();
    titles.set('a', 'report lincoln');
    titles.set('b', 'report washington');
    titles.set('c', 'report adams');
    const scores = titles.scores('lincoln report');
    assert.ok(scores.get('a')! > scores.get('b')!, 'the document with the rare word scores higher');
    assert.ok(scores.get('b')! > 0, 'a shared common word still counts');
  });

  it('follows renames, deletions and clearing', () => {
    const titles = new TitleIndex<number>();
    titles.set(1, 'harbour notes');
    titles.set(2, 'lighthouse diary');
    assert.deepEqual([...titles.scores('lighthouse').keys()], [2]);
    titles.set(2, 'keeper diary');
    assert.equal(titles.scores('lighthouse').size, 0);
    assert.deepEqual([...titles.scores('keeper').keys()], [2]);
    assert.equal(titles.delete(2), true);
    assert.equal(titles.delete(2), false);
    assert.equal(titles.scores('keeper').size, 0);
    assert.equal(titles.size, 1);
    titles.clear();
    assert.equal(titles.size, 0);
    assert.equal(titles.scores('harbour').size, 0);
  });
});
