// One ORT web session in a module worker: load `model` with `threads`, warm up, then embed the given token ids one
// passage per call and report the time and each passage's mean-pooled, normalised vector.
import * as ort from '/ort/ort.wasm.min.mjs';

self.onmessage = async ({ data }) => {
  try {
    ort.env.wasm.numThreads = data.threads;
    ort.env.wasm.wasmPaths = { mjs: '/ort/ort-wasm-simd-threaded.mjs', wasm: '/ort/ort-wasm-simd-threaded.wasm' };
    const bytes = new Uint8Array(await (await fetch(data.model)).arrayBuffer());
    const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
    const feed = (ids) => {
      const t = (values) => new ort.Tensor('int64', BigInt64Array.from(values, BigInt), [1, values.length]);
      return { input_ids: t(ids), attention_mask: t(ids.map(() => 1)), token_type_ids: t(ids.map(() => 0)) };
    };
    for (const ids of data.warmup) await session.run(feed(ids));
    self.postMessage({ ready: true });
    await new Promise((resolve) => { self.onmessage = resolve; }); // the page starts every worker at once
    const start = performance.now();
    const vectors = [];
    const times = [];
    for (const ids of data.passages) {
      const t0 = performance.now();
      const out = (await session.run(feed(ids))).last_hidden_state;
      times.push(performance.now() - t0);
      const [, tokens, dims] = out.dims;
      const v = new Float32Array(dims);
      for (let t = 0; t < tokens; t++) for (let d = 0; d < dims; d++) v[d] += out.data[t * dims + d];
      const norm = Math.hypot(...v);
      vectors.push(Array.from(v, (x) => x / norm));
    }
    self.postMessage({ ms: performance.now() - start, vectors, times, isolated: self.crossOriginIsolated });
  } catch (error) {
    self.postMessage({ error: String(error?.stack ?? error) });
  }
};
