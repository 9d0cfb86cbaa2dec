import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withUserModels } from './user-model-fetch.ts';

describe('withUserModels', () => {
  const stored = new Map([['http://localhost/models/user/tiny-0123abcd/config.json', '{"hidden_size":32}']]);
  const cache = async () => ({ match: async (url: string) => (stored.has(url) ? new Response(stored.get(url)) : undefined) });
  const network: string[] = [];
  const fetch = withUserModels(async (input) => {
    network.push(String(input));
    return new Response('from the server');
  }, cache);

  it('answers a user model file from the cache, never from the network', async () => {
    const response = await fetch('/models/user/tiny-0123abcd/config.json');
    assert.equal(await response.text(), '{"hidden_size":32}');
    assert.deepEqual(network, []);
  });

  it('answers 404 for a user model file that is not stored (Transformers.js skips optional files on 404)', async () => {
    const response = await fetch('/models/user/tiny-0123abcd/special_tokens_map.json');
    assert.equal(response.status, 404);
    assert.deepEqual(network, []);
  });

  it('leaves built-in model files to the network (the service worker precache)', async () => {
    assert.equal(await (await fetch('/models/all-MiniLM-L6-v2/config.json')).text(), 'from the server');
    assert.deepEqual(network, ['/models/all-MiniLM-L6-v2/config.json']);
  });
});
