// Runs each of `data.runs` ({ model, ep }) with ORT web's plain wasm build (ep 'wasm', `threads`) or its WebGPU
// build (`data.build` 'webgpu', which runs eps 'webgpu' and 'wasm') over the same inputs and reports, per run, how far
// its last_hidden_state is from the first run's (real tokens only).
self.onmessage = async ({ data }) => {
  try {
    const webgpu = data.build === 'webgpu';
    const ort = await import(webgpu ? '/ort/ort.webgpu.min.mjs' : '/ort/ort.wasm.min.mjs');
    ort.env.wasm.numThreads = data.threads;
    ort.env.wasm.wasmPaths = webgpu
      ? { mjs: '/ort/ort-wasm-simd-threaded.asyncify.mjs', wasm: '/ort/ort-wasm-simd-threaded.asyncify.wasm' }
      : { mjs: '/ort/ort-wasm-simd-threaded.mjs', wasm: '/ort/ort-wasm-simd-threaded.wasm' };
    const tensor = (rows) => new ort.Tensor('int64', BigInt64Array.from(rows.flat(), BigInt), [rows.length, rows[0].length]);
    const results = [];
    let reference = null;
    for (const { model, ep } of data.runs) {
      const result = { model: `${model.replace(/^.*\/|\.onnx$/g, '')} on ${ep}`, maxAbs: 0, identical: 0, values: 0, minCosine: 1, batchCosine: 1 };
      results.push(result);
      try {
        const bytes = new Uint8Array(await (await fetch(model)).arrayBuffer());
        // As Transformers.js creates WebGPU sessions (no memory pattern).
        const session = await ort.InferenceSession.create(bytes, { executionProviders: [ep], ...(ep === 'webgpu' ? { enableMemPattern: false } : {}) });
        const outputs = [];
        for (const { rows, lengths } of data.inputs) {
          const out = await session.run({
            input_ids: tensor(rows),
            attention_mask: tensor(rows.map((row, r) => row.map((_, t) => (t < lengths[r] ? 1 : 0)))),
            token_type_ids: tensor(rows.map((row) => row.map(() => 0))),
          });
          outputs.push(out.last_hidden_state.data.slice());
        }
        await session.release();
        if (!reference) reference = outputs;
        data.inputs.forEach(({ rows, lengths }, i) => {
          const a = reference[i], b = outputs[i], S = rows[0].length, H = a.length / rows.length / S;
          rows.forEach((_, r) => {
            const pa = new Float64Array(H), pb = new Float64Array(H);
            for (let t = 0; t < lengths[r]; t++) {
              for (let d = 0; d < H; d++) {
                const j = (r * S + t) * H + d;
                result.maxAbs = Math.max(result.maxAbs, Math.abs(a[j] - b[j]));
                result.identical += a[j] === b[j] ? 1 : 0;
                result.values++;
                pa[d] += a[j]; pb[d] += b[j];
              }
            }
            let dot = 0, na = 0, nb = 0;
            for (let d = 0; d < H; d++) { dot += pa[d] * pb[d]; na += pa[d] ** 2; nb += pb[d] ** 2; }
            const cosine = dot / Math.sqrt(na * nb);
            if (rows.length > 1) result.batchCosine = Math.min(result.batchCosine, cosine);
            else result.minCosine = Math.min(result.minCosine, cosine);
          });
        });
      } catch (error) {
        result.error = String(error?.message ?? error).slice(0, 300);
      }
    }
    self.postMessage({ results, isolated: self.crossOriginIsolated });
  } catch (error) {
    self.postMessage({ error: String(error?.stack ?? error) });
  }
};
