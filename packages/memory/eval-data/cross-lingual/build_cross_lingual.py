#!/usr/bin/env python3
"""Builds the cross-lingual retrieval sets from XQuAD-en, PIAF-fr and the hand translations here.

    python3 build_cross_lingual.py [SHARED_EVAL_FOLDER]   # default ../../../../../shared/data/eval

Each output is a SQuAD v1.1 file: every paragraph of the source set (the same corpus as the
monolingual run), but only the sampled questions, by their original ids:
- xquad-en-passages-fr-questions.json: 60 XQuAD-en questions translated into French;
- piaf-fr-passages-en-questions.json: 63 PIAF questions translated into English;
- xquad-en-passages-en-sample.json, piaf-fr-passages-fr-sample.json: the same questions untranslated,
  the monolingual control on the same sample.
The sample is the first question of every fourth paragraph in file order: fixed before any run.
"""
import json
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
shared = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, '..', '..', '..', '..', '..', 'shared', 'data', 'eval')


def read_translations(name):
    result = {}
    with open(os.path.join(here, name), encoding='utf-8') as handle:
        for line in handle:
            if line.strip():
                identifier, text = line.rstrip('\n').split('\t')
                result[identifier] = text
    return result


def build(source, translations_file, translated_name, control_name):
    with open(os.path.join(shared, source), encoding='utf-8') as handle:
        data = json.load(handle)
    translations = read_translations(translations_file)
    sampled = set()
    index = 0
    for article in data['data']:
        for paragraph in article['paragraphs']:
            if index % 4 == 0:
                sampled.add(paragraph['qas'][0]['id'])
            index += 1
    if sampled != set(translations):
        raise SystemExit(f'{translations_file} must translate exactly the sampled questions of {source}')
    for name, translate in ((translated_name, True), (control_name, False)):
        output = {'version': f'{source} with {translations_file}', 'data': []}
        for article in data['data']:
            paragraphs = []
            for paragraph in article['paragraphs']:
                questions = [
                    {'id': qa['id'], 'question': translations[qa['id']] if translate else qa['question'], 'answers': qa['answers']}
                    for qa in paragraph['qas']
                    if qa['id'] in sampled
                ]
                paragraphs.append({'context': paragraph['context'], 'qas': questions})
            output['data'].append({'title': article.get('title'), 'paragraphs': paragraphs})
        with open(os.path.join(here, name), 'w', encoding='utf-8') as handle:
            json.dump(output, handle, ensure_ascii=False)
        print(f'{name}: {len(sampled)} questions over {index} paragraphs', file=sys.stderr)


build('xquad-en.json', 'xquad-en-questions-fr.tsv', 'xquad-en-passages-fr-questions.json', 'xquad-en-passages-en-sample.json')
build('piaf-fr-dev.json', 'piaf-fr-questions-en.tsv', 'piaf-fr-passages-en-questions.json', 'piaf-fr-passages-fr-sample.json')
