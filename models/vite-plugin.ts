/**
 * Serves the built models at /models/<id>/… in dev and preview, and emits them into the production build
 * so the service worker can precache them. Only the files the browser loads are shipped: the ONNX file for
 * the manifest's dtype, never the 90 MB fp32 one the Node tests use.
 */
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Plugin } from 'vite';
import type { ModelManifest, ModelSpec } from '../src/core/model-spec.ts';

const ONNX_FILE: Record<ModelSpec['dtype'], string> = {
  q8: 'onnx/model_quantized.onnx',
  fp32: 'onnx/model.onnx',
  fp16: 'onnx/model_fp16.onnx',
};

/**
 * The files Transformers.js fetches for a feature-extraction pipeline of this model, plus the build stamp,
 * whose file sizes let the worker show download progress when responses carry no Content-Length.
 */
export function browserModelFiles(spec: ModelSpec): string[] {
  return ['config.json', 'tokenizer.json', 'tokenizer_config.json', ONNX_FILE[spec.dtype], 'passage-build.json'];
}

export function modelsPlugin(modelsDir: string): Plugin {
  const manifest = JSON.parse(readFileSync(path.join(modelsDir, 'manifest.json'), 'utf8')) as ModelManifest;
  const shipped = new Map<string, string>(); // URL path below /models/ → file on disk
  for (const spec of manifest.models) {
    for (const file of browserModelFiles(spec)) shipped.set(`${spec.id}/${file}`, path.join(modelsDir, spec.id, file));
  }

  const serve: Plugin['configureServer'] = (server) => {
    server.middlewares.use('/models/', (req, res, next) => {
      const [urlPath = ''] = (req.url ?? '').split('?');
      const key = decodeURIComponent(urlPath).replace(/^\/+/, '');
      const file = shipped.get(key);
      if (!file || !existsSync(file)) return next();
      res.setHeader('Content-Type', file.endsWith('.json') ? 'application/json' : 'application/octet-stream');
      res.setHeader('Content-Length', String(statSync(file).size));
      createReadStream(file).pipe(res);
    });
  };

  return {
    name: 'passage-models',
    configureServer: serve,
    generateBundle() {
      for (const [key, file] of shipped) {
        if (!existsSync(file)) {
          this.error(`Model file ${file} is missing: run \`npm run models\` first.`);
        }
        this.emitFile({ type: 'asset', fileName: `models/${key}`, source: readFileSync(file) });
      }
    },
  };
}
