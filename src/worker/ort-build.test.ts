import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Device } from './engine.ts';
import { createFakeEngine, fakeEnvironment, FAKE_SPEC } from './fake-engine.test-support.ts';
import { createHandlers } from './handlers.ts';
import { createOrtBuildSelector, neededBuild, type OrtBuildUrls, type OrtWasmFlags } from './ort-build.ts';

const urls: OrtBuildUrls = {
  plain: { mjs: '/assets/ort-wasm-simd-threaded-A.mjs', wasm: '/assets/ort-wasm-simd-threaded-B.wasm' },
  webgpu: { wasm: '/assets/ort-wasm-simd-threaded.asyncify-C.wasm' },
};

function selector(webGpuFetch: boolean | 'throws') {
  const flags: OrtWasmFlags = {};
  const fetched: string[] = [];
  const select = createOrtBuildSelector({
    urls,
    flags,
    fetchWebGpuBuild: async (url) => {
      fetched.push(url);
      if (webGpuFetch === 'throws') throw new TypeError('Failed to fetch');
      return webGpuFetch;
    },
  });
  return { select, flags, fetched };
}

describe('neededBuild', () => {
  it('needs the WebGPU build only where an adapter exists and wasm was not asked for', () => {
    assert.equal(neededBuild('auto', true), 'webgpu');
    assert.equal(neededBuild('webgpu', true), 'webgpu');
    assert.equal(neededBuild('wasm', true), 'plain');
    assert.equal(neededBuild('auto', false), 'plain');
    assert.equal(neededBuild('webgpu', false), 'plain');
  });
});

describe('createOrtBuildSelector', () => {
  it('without WebGPU points ORT at the plain build (its own glue and wasm) and fetches nothing else', async () => {
    const { select, flags, fetched } = selector(true);
    assert.equal(await select.select('auto', false), 'plain');
    assert.deepEqual(flags.wasmPaths, urls.plain);
    assert.deepEqual(fetched, []);
  });

  it('with WebGPU fetches the asyncify build and overrides only its .wasm (ORT keeps its bundled glue)', async () => {
    const { select, flags, fetched } = selector(true);
    assert.equal(await select.select('auto', true), 'webgpu');
    assert.deepEqual(flags.wasmPaths, { wasm: urls.webgpu.wasm });
    assert.deepEqual(fetched, [urls.webgpu.wasm]);
  });

  it('falls back to the plain build when the WebGPU build cannot be had (offline and never cached, or an error)', async () => {
    for (const outcome of [false, 'throws'] as const) {
      const { select, flags } = selector(outcome);
      assert.equal(await select.select('webgpu', true), 'plain', String(outcome));
      assert.deepEqual(flags.wasmPaths, urls.plain);
    }
  });

  it('keeps its first choice: ORT initialises its WebAssembly once per worker', async () => {
    const { select, flags, fetched } = selector(true);
    assert.equal(await select.select('wasm', true), 'plain');
    assert.equal(await select.select('webgpu', true), 'plain');
    assert.deepEqual(flags.wasmPaths, urls.plain);
    assert.deepEqual(fetched, []);
  });
});

/** A handler's context that no one watches or aborts. */
const idle = () => ({ emit: () => {}, signal: new AbortController().signal });

describe('load with a runtime selector', () => {
  it('does not try WebGPU when the plain build was chosen, even with an adapter', async () => {
    const tried: Device[] = [];
    const handlers = createHandlers(
      fakeEnvironment(createFakeEngine('wasm'), {
        detectWebGpu: async () => true,
        selectRuntime: async () => 'plain',
        loadEngine: async (_spec, device) => {
          tried.push(device);
          return createFakeEngine(device);
        },
      }),
    );
    const loaded = await handlers.load({ type: 'load', spec: FAKE_SPEC, device: 'auto' }, idle());
    assert.equal(loaded.device, 'wasm');
    assert.deepEqual(tried, ['wasm']);
  });

  it('asks the selector with the preference and the adapter check before the first engine is built', async () => {
    const order: string[] = [];
    const handlers = createHandlers(
      fakeEnvironment(createFakeEngine('wasm'), {
        detectWebGpu: async () => true,
        selectRuntime: async (preferred, webGpu) => {
          order.push(`select ${preferred} ${webGpu}`);
          return 'webgpu';
        },
        loadEngine: async (_spec, device) => {
          order.push(`load ${device}`);
          return createFakeEngine(device);
        },
      }),
    );
    await handlers.load({ type: 'load', spec: FAKE_SPEC, device: 'webgpu' }, idle());
    assert.deepEqual(order, ['select webgpu true', 'load webgpu']);
  });
});
