// tokenizer.json and tokenizer_config.json for Transformers.js, derived from the package's
// tokenizer.json. Transformers.js ignores truncation/padding inside tokenizer.json and reads
// model_max_length and pad_token from tokenizer_config.json: without pad_token batching fails
// ("Cannot convert undefined to a BigInt"), without model_max_length long inputs overrun the
// position table inside the graph.

interface TokenizerJson {
  truncation: unknown;
  padding: unknown;
  added_tokens: { content: string }[];
  normalizer?: { type?: string; lowercase?: boolean; strip_accents?: boolean | null; handle_chinese_chars?: boolean };
  model?: { type?: string; unk_token?: string };
}

export function tokenizerFiles(sourceTokenizerJson: string, maxLength: number): Record<string, string> {
  const tokenizer = JSON.parse(sourceTokenizerJson) as TokenizerJson;
  if (tokenizer.model?.type !== 'WordPiece') throw new Error('expected a WordPiece (BERT) tokenizer');
  const tokens = new Set(tokenizer.added_tokens.map((t) => t.content));
  for (const t of ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']) {
    if (!tokens.has(t)) throw new Error(`tokenizer.json has no ${t} token`);
  }
  // The package pins truncation 128 and fixed padding 128; the model card uses 256, no padding.
  tokenizer.truncation = { max_length: maxLength, strategy: 'LongestFirst', stride: 0 };
  tokenizer.padding = null;

  const normalizer = tokenizer.normalizer ?? {};
  const config = {
    clean_up_tokenization_spaces: true,
    cls_token: '[CLS]',
    do_basic_tokenize: true,
    do_lower_case: normalizer.lowercase ?? true,
    mask_token: '[MASK]',
    model_max_length: maxLength,
    never_split: null,
    pad_token: '[PAD]',
    sep_token: '[SEP]',
    strip_accents: normalizer.strip_accents ?? null,
    tokenize_chinese_chars: normalizer.handle_chinese_chars ?? true,
    tokenizer_class: 'BertTokenizer',
    unk_token: tokenizer.model.unk_token ?? '[UNK]',
  };
  return {
    'tokenizer.json': JSON.stringify(tokenizer),
    'tokenizer_config.json': `${JSON.stringify(config, null, 2)}\n`,
  };
}
