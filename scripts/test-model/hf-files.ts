// The HuggingFace metadata written beside the ONNX files: config.json (BertModel),
// tokenizer.json (uncased WordPiece, HF tokenizers format) and tokenizer_config.json.
import type { BertShape } from './bert-weights.ts';
import { SPECIAL_IDS } from './vocab.ts';
import type { Vocab } from './vocab.ts';

export interface ConfigInfo {
  kind: string;
  generatorVersion: string;
  /** Encoder shape; for `lexical` layers/heads/intermediate describe the lookup-only graph. */
  shape: BertShape;
  description: string;
}

export function configJson({ kind, generatorVersion, shape, description }: ConfigInfo): object {
  return {
    _name_or_path: `paperseek/test-model-${kind}`,
    architectures: ['BertModel'],
    model_type: 'bert',
    attention_probs_dropout_prob: 0.1,
    hidden_act: 'gelu',
    hidden_dropout_prob: 0.1,
    hidden_size: shape.hidden,
    initializer_range: 0.02,
    intermediate_size: shape.intermediate,
    layer_norm_eps: 1e-12,
    max_position_embeddings: shape.maxPositions,
    num_attention_heads: shape.heads,
    num_hidden_layers: shape.layers,
    pad_token_id: SPECIAL_IDS.pad,
    position_embedding_type: 'absolute',
    torch_dtype: 'float32',
    type_vocab_size: shape.typeVocabSize,
    vocab_size: shape.vocabSize,
    paperseek_test_model: { kind, generator_version: generatorVersion, description },
  };
}

const SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;

export function tokenizerJson(vocab: Vocab): object {
  const ids = new Map(vocab.tokens.map((t, i) => [t, i] as const));
  const idOf = (token: string): number => {
    const id = ids.get(token);
    if (id === undefined) throw new Error(`special token ${token} missing from vocab`);
    return id;
  };
  const special = (id: string, typeId = 0): object => ({ SpecialToken: { id, type_id: typeId } });
  const sequence = (id: 'A' | 'B', typeId: number): object => ({ Sequence: { id, type_id: typeId } });
  const specialEntry = (token: string): object => ({ id: token, ids: [idOf(token)], tokens: [token] });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIALS.map((content) => ({
      id: idOf(content),
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: true, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [special('[CLS]'), sequence('A', 0), special('[SEP]')],
      pair: [special('[CLS]'), sequence('A', 0), special('[SEP]'), sequence('B', 1), special('[SEP]', 1)],
      special_tokens: { '[CLS]': specialEntry('[CLS]'), '[SEP]': specialEntry('[SEP]') },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(ids),
    },
  };
}

export function tokenizerConfigJson(): object {
  return {
    tokenizer_class: 'BertTokenizer',
    do_lower_case: true,
    do_basic_tokenize: true,
    tokenize_chinese_chars: true,
    strip_accents: null,
    never_split: null,
    model_max_length: 512,
    clean_up_tokenization_spaces: true,
    cls_token: '[CLS]',
    sep_token: '[SEP]',
    pad_token: '[PAD]',
    unk_token: '[UNK]',
    mask_token: '[MASK]',
  };
}
