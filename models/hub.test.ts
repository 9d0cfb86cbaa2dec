// --from-hub against a local HTTP server that behaves like the Hugging Face hub: small files
// served directly, the ONNX file through a redirect carrying X-Linked-Etag (its sha256) and
// X-Linked-Size, Range support, and a connection that can drop halfway.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import { downloadFromHub, HubError } from './hub.ts';

const REPO = 'someone/tiny-model';
const config = `${JSON.stringify({ model_type: 'bert', hidden_size: 384 })}\n`;
const tokenizerConfig = `${JSON.stringify({ model_max_length: 1e30, pad_token: '[PAD]' })}\n`;
const tokenizer = `${JSON.stringify({ version: '1.0', model: { type: 'WordPiece', vocab: { '[PAD]': 0 } } })}\n`;
// Fake ONNX bytes, deterministic, big enough to be cut in the middle.
const onnx = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7919 + (i >> 8)) % 256));
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

interface Seen {
  url: string;
  range?: string;
}

let server: http.Server;
let host: string;
let seen: Seen[] = [];
let dropFirstOnnx = false;
let advertisedSha = sha256(onnx);
let tmp: string;
let modelsDir: string;

function serve(req: http.IncomingMessage, res: http.ServerResponse): void {
  seen.push({ url: req.url!, ...(req.headers.range ? { range: req.headers.range } : {}) });
  const small: Record<string, string> = { 'config.json': config, 'tokenizer.json': tokenizer, 'tokenizer_config.json': tokenizerConfig };
  const prefix = `/${REPO}/resolve/main/`;
  if (req.url?.startsWith(prefix)) {
    const file = req.url.slice(prefix.length);
    if (file in small) {
      // Like the hub: non-LFS files carry a git-style ETag (not a sha256).
      res.writeHead(200, { etag: '"0123456789abcdef0123456789abcdef01234567"', 'content-length': Buffer.byteLength(small[file]!) });
      res.end(small[file]);
      return;
    }
    if (file === 'onnx/model_quantized.onnx') {
      res.writeHead(302, { location: `/cdn/blob?sig=1`, 'x-linked-etag': `"${advertisedSha}"`, 'x-linked-size': onnx.length });
      res.end();
      return;
    }
  }
  if (req.url === '/cdn/blob?sig=1') {
    const match = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = match ? Number(match[1]) : 0;
    if (start >= onnx.length) {
      res.writeHead(416, { 'content-range': `bytes */${onnx.length}` });
      res.end();
      return;
    }
    const body = onnx.subarray(start);
    res.writeHead(match ? 206 : 200, {
      'content-length': body.length,
      ...(match ? { 'content-range': `bytes ${start}-${onnx.length - 1}/${onnx.length}` } : {}),
    });
    if (dropFirstOnnx) {
      dropFirstOnnx = false;
      res.write(body.subarray(0, 120_000), () => setTimeout(() => res.socket?.destroy(), 20));
      return;
    }
    res.end(body);
    return;
  }
  res.writeHead(404);
  res.end();
}

before(async () => {
  server = http.createServer(serve);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  host = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

beforeEach(async () => {
  seen = [];
  dropFirstOnnx = false;
  advertisedSha = sha256(onnx);
  tmp = await mkdtemp(path.join(os.tmpdir(), 'passage-hub-'));
  modelsDir = path.join(tmp, 'models');
});

const partPath = () => path.join(modelsDir, '.cache/hub/someone--tiny-model/main/onnx/model_quantized.onnx.part');

test('downloads, resumes a dropped connection with Range, verifies and stamps', async () => {
  dropFirstOnnx = true;
  const lines: string[] = [];
  const result = await downloadFromHub({ repoId: REPO, host, modelsDir, queryPrefix: 'query: ', log: (l) => lines.push(l) });
  const dir = path.join(modelsDir, 'tiny-model');
  assert.equal(result.dir, dir);
  assert.ok((await readFile(path.join(dir, 'onnx/model_quantized.onnx'))).equals(onnx));
  assert.equal(await readFile(path.join(dir, 'config.json'), 'utf8'), config);
  const resumed = seen.filter((s) => s.url.startsWith('/cdn/') && s.range);
  assert.equal(resumed.length, 1, `requests: ${JSON.stringify(seen)}`);
  assert.match(resumed[0]!.range!, /^bytes=\d+-$/);
  assert.ok(Number(/\d+/.exec(resumed[0]!.range!)![0]) >= 100_000, 'resume should start where the drop happened');
  assert.ok(lines.some((l) => /connection lost/.test(l)));

  const stamp = JSON.parse(await readFile(path.join(dir, 'passage-build.json'), 'utf8')) as {
    source: { kind: string; repo: string; verified: string[] };
    files: Record<string, { size: number; sha256: string }>;
  };
  assert.deepEqual(stamp.files['onnx/model_quantized.onnx'], { size: onnx.length, sha256: sha256(onnx) });
  assert.equal(stamp.files['tokenizer.json']!.sha256, sha256(tokenizer));
  assert.deepEqual(stamp.source.verified, ['onnx/model_quantized.onnx']);
  assert.deepEqual(Object.keys(stamp.files), [
    'config.json', 'onnx/model_quantized.onnx', 'passage-model.json', 'tokenizer.json', 'tokenizer_config.json',
  ]);

  const spec = JSON.parse(await readFile(path.join(dir, 'passage-model.json'), 'utf8')) as Record<string, unknown>;
  assert.deepEqual(spec, result.spec);
  assert.equal(spec.dimensions, 384);
  assert.equal(spec.maxTokens, 512); // model_max_length 1e30 is capped
  assert.equal(spec.queryPrefix, 'query: ');
  assert.equal(spec.passagePrefix, '');
  assert.equal(spec.pooling, 'mean');
  assert.equal(spec.normalize, true);
  // The cache is cleaned up and nothing else was left in models/.
  assert.deepEqual((await readdir(modelsDir)).filter((e) => e !== '.cache'), ['tiny-model']);
  assert.equal(existsSync(partPath()), false);
});

test('resumes a .part file left by an earlier run', async () => {
  await mkdir(path.dirname(partPath()), { recursive: true });
  await writeFile(partPath(), onnx.subarray(0, 54_321));
  await downloadFromHub({ repoId: REPO, host, modelsDir });
  assert.deepEqual(seen.filter((s) => s.range).map((s) => s.range), ['bytes=54321-', 'bytes=54321-']); // redirect + CDN
  assert.ok((await readFile(path.join(modelsDir, 'tiny-model/onnx/model_quantized.onnx'))).equals(onnx));
});

test('checksum mismatch: clear error, old model untouched, corrupt part removed', async () => {
  advertisedSha = sha256('something else');
  const dir = path.join(modelsDir, 'tiny-model');
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'previous.txt'), 'keep me');
  await assert.rejects(downloadFromHub({ repoId: REPO, host, modelsDir }), (error: Error) => {
    assert.ok(error instanceof HubError);
    assert.match(error.message, /^Checksum mismatch for http:\/\/127\.0\.0\.1:\d+\/someone\/tiny-model\/resolve\/main\/onnx\/model_quantized\.onnx: expected sha256 [0-9a-f]{64}, got [0-9a-f]{64}$/);
    return true;
  });
  assert.deepEqual(await readdir(dir), ['previous.txt']);
  assert.deepEqual((await readdir(modelsDir)).filter((e) => e !== '.cache'), ['tiny-model']);
  assert.equal(existsSync(partPath()), false);
});

test('checksum mismatch with no previous model: no model directory at all', async () => {
  advertisedSha = sha256('something else');
  await assert.rejects(downloadFromHub({ repoId: REPO, host, modelsDir }), /Checksum mismatch/);
  assert.equal(existsSync(path.join(modelsDir, 'tiny-model')), false);
  assert.deepEqual((await readdir(modelsDir)).filter((e) => e !== '.cache'), []);
});

test('missing file on the hub: clear error', async () => {
  await assert.rejects(downloadFromHub({ repoId: 'someone/other', host, modelsDir }), /^HubError: Not found on the hub: .*config\.json \(HTTP 404\)$/);
  assert.equal(existsSync(path.join(modelsDir, 'other')), false);
});

test('unreachable host: one-line message, nothing written', async () => {
  const closed = http.createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const deadHost = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  await assert.rejects(downloadFromHub({ repoId: REPO, host: deadHost, modelsDir }), (error: Error) => {
    assert.ok(error instanceof HubError);
    assert.equal(error.message, `Cannot reach ${deadHost}: ECONNREFUSED — is the network available?`);
    return true;
  });
  assert.equal(existsSync(modelsDir), false);
});

test('rejects unsafe names and paths before any request', async () => {
  await assert.rejects(downloadFromHub({ repoId: '../x', host, modelsDir }), /Not a hub repo id/);
  await assert.rejects(downloadFromHub({ repoId: REPO, host, modelsDir, name: '..' }), /Not a usable model directory name/);
  await assert.rejects(downloadFromHub({ repoId: REPO, host, modelsDir, extraFiles: ['../../etc/passwd'] }), /Not a usable file path/);
  assert.deepEqual(seen, []);
});

after(() => rm(tmp, { recursive: true, force: true }));
