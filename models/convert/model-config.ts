// config.json for Transformers.js: the package's BertModel config, checked for what the
// graph builder supports. Transformers.js needs it to exist and to say model_type "bert".
import type { BertConfig } from './bert-graph.ts';

export function bertModelConfig(sourceConfigJson: string): { config: BertConfig; json: string } {
  const source = JSON.parse(sourceConfigJson) as Record<string, unknown>;
  if (source.model_type !== 'bert') throw new Error(`config.json: model_type ${String(source.model_type)}, expected bert`);
  if ((source.position_embedding_type ?? 'absolute') !== 'absolute') {
    throw new Error('config.json: only absolute position embeddings are supported');
  }
  const numbers = ['hidden_size', 'num_hidden_layers', 'num_attention_heads', 'intermediate_size', 'layer_norm_eps',
    'vocab_size', 'max_position_embeddings', 'type_vocab_size'] as const;
  for (const key of numbers) {
    if (typeof source[key] !== 'number') throw new Error(`config.json: ${key} missing`);
  }
  const config = { ...source, architectures: ['BertModel'], model_type: 'bert' };
  return { config: config as unknown as BertConfig, json: `${JSON.stringify(config, null, 2)}\n` };
}
