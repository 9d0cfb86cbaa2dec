import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSharedFetch, type Fetch } from './shared-fetch.ts';

function countingFetch() {
  const requests: string[] = [];
  const fetch: Fetch = async (input, init) => {
    requests.push(`${init?.method ?? 'GET'} ${String(input)}`);
    return new Response(`body of ${String(input)}`, { headers: { 'content-length': '20' } });
  };
  return { fetch, requests };
}

describe('createSharedFetch', () => {
  it('answers concurrent and later GETs of one URL from one request, each with the whole body', async () => {
    const base = countingFetch();
    const shared = createSharedFetch(base.fetch);
    const [metadata, load] = await Promise.all([shared.fetch('/models/m/model.onnx'), shared.fetch('/models/m/model.onnx')]);
    assert.equal(metadata.headers.get('content-length'), '20'); // read headers only, like the size probe
    assert.equal(await load.text(), 'body of /models/m/model.onnx');
    const later = await shared.fetch('/models/m/model.onnx');
    assert.equal(await later.text(), 'body of /models/m/model.onnx');
    assert.deepEqual(base.requests, ['GET /models/m/model.onnx']);
  });

  it('does not share Range requests, other methods, or anything after forget()', async () => {
    const base = countingFetch();
    const shared = createSharedFetch(base.fetch);
    await shared.fetch('/a');
    await shared.fetch('/a', { headers: { Range: 'bytes=0-0' } });
    await shared.fetch('/a', { method: 'HEAD' });
    shared.forget();
    await shared.fetch('/a');
    assert.deepEqual(base.requests, ['GET /a', 'GET /a', 'HEAD /a', 'GET /a']);
  });

  it('retries a URL whose request failed', async () => {
    let calls = 0;
    const shared = createSharedFetch(async () => {
      if (++calls === 1) throw new TypeError('network error');
      return new Response('ok');
    });
    await assert.rejects(shared.fetch('/b'), /network error/);
    assert.equal(await (await shared.fetch('/b')).text(), 'ok');
  });
});
