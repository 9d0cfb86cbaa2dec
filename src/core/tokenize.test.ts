import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { stemPlural, tokenize } from './tokenize.ts';

describe('tokenize', () => {
  it('lower-cases, drops stop words and possessives, folds plurals', () => {
    assert.deepEqual(tokenize("The Korea's sanctions AND the policies of Kim Jong-un, 2019"), [
      'korea',
      'sanction',
      'policy',
      'kim',
      'jong',
      'un',
      '2019',
    ]);
  });

  it('keeps non-Latin words whole and unstemmed', () => {
    assert.deepEqual(tokenize('Größe NAÏVE café 東京 Москвы'), ['größe', 'naïve', 'café', '東京', 'москвы']);
  });

  it('can leave plurals alone', () => {
    assert.deepEqual(tokenize('sanctions talks', { stem: false }), ['sanctions', 'talks']);
  });

  it('stems like the S-stemmer', () => {
    assert.deepEqual(
      ['policies', 'boxes', 'talks', 'glass', 'bonus', 'goes', 'news', 'is'].map(stemPlural),
      ['policy', 'boxe', 'talk', 'glass', 'bonus', 'goe', 'new', 'is'],
    );
  });
});
