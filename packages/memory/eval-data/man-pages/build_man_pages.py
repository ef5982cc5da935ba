#!/usr/bin/env python3
"""Builds a Cranfield-layout test collection from the section-1 man pages installed on this machine.

Queries are the pages' own NAME lines ("cp - copy files and directories" gives the query "copy
files and directories"), written by each page's authors for apropos(1), a keyword search: nobody
wrote them for this evaluation or with our retriever in mind. Each query's one relevant document
is the DESCRIPTION section of its own page (first 200 words; NAME and SYNOPSIS left out, so the
query's text is not copied into its answer), among the DESCRIPTION sections of every other page.
Known-item judgements, binary (grade 1): a near-identical sibling page counts as a miss for every
retriever alike.

    python3 build_man_pages.py OUTPUT_FOLDER [--queries 400]

writes cran.all.1400 (documents), cran.qry (queries) and cranqrel (judgements) for
`klody-eval retrieval --format cranfield --input OUTPUT_FOLDER`. Deterministic for a given set of
installed pages (sorted by file name, queries picked by a hash of the page name).
"""
import gzip
import hashlib
import os
import re
import sys

MAN = '/usr/share/man/man1'
WORDS = 200

ESCAPES = [
    (re.compile(r'\\f(\[[^\]]*\]|\(..|.)'), ''),  # font changes
    (re.compile(r'\\s[+-]?\d'), ''),  # size changes
    (re.compile(r'\\\((em|en|hy)'), '-'),
    (re.compile(r'\\\((lq|rq|Lq|Rq|oq|cq|dq)'), '"'),
    (re.compile(r'\\\(..'), ''),
    (re.compile(r'\\\[[^\]]*\]'), ''),
    (re.compile(r'\\\*(\(..|\[[^\]]*\]|.)'), ''),  # strings
    (re.compile(r'\\[-]'), '-'),
    (re.compile(r'\\[&|^%:]'), ''),
    (re.compile(r'\\e'), '\\\\'),
    (re.compile(r'\\ '), ' '),
    (re.compile(r'\\c'), ''),
    (re.compile(r"\\[`']"), "'"),
    (re.compile(r'\\"'), ''),
]


def clean(text):
    text = text.split('\\"')[0]  # a comment ends the line
    for pattern, replacement in ESCAPES:
        text = pattern.sub(replacement, text)
    return text.replace('\\\\', '\\')


def sections(lines):
    """Section name (upper case) -> its text lines, macros reduced to their words."""
    result, current = {}, None
    for raw in lines:
        line = raw.rstrip('\n')
        if line.startswith(('.\\"', "'\\\"", '.\\\\"')):
            continue
        match = re.match(r'^\.(SH|Sh)\s*(.*)$', line)
        if match:
            current = clean(match.group(2)).strip().strip('"').upper()
            result.setdefault(current, [])
            continue
        if current is None:
            continue
        if line.startswith(('.', "'")):
            macro = re.match(r"^[.'](\S+)\s*(.*)$", line)
            if not macro:
                continue
            name, rest = macro.group(1), macro.group(2)
            if name in ('Nd',):
                result[current].append(' - ' + clean(rest))
            elif name in ('B', 'I', 'BI', 'BR', 'IB', 'IR', 'RB', 'RI', 'SM', 'SB', 'Nm', 'Ar', 'Fl', 'Cm',
                          'Pa', 'Em', 'Sy', 'Dq', 'Qq', 'Sq', 'Xr', 'Li', 'Ql', 'Ev', 'Va', 'Ic', 'TP',
                          'IP', 'It', 'SS', 'Ss', 'UR', 'MT'):
                words = re.findall(r'"[^"]*"|\S+', clean(rest))
                words = [word.strip('"') for word in words]
                if name.startswith(('I', 'B', 'R')) and len(name) == 2:
                    result[current].append(''.join(words))
                elif name in ('IP', 'TP'):
                    result[current].append(words[0] if words else '')
                else:
                    result[current].append(' '.join(words))
            continue
        result[current].append(clean(line))
    return result


def page(path):
    with gzip.open(path, 'rt', encoding='utf-8', errors='replace') as handle:
        lines = handle.readlines()
    if len(lines) < 3 or any(line.startswith('.so ') for line in lines[:3]):
        return None
    parts = sections(lines)
    name = ' '.join(' '.join(parts.get('NAME', [])).split())
    match = re.search(r'\s-+\s+(.*)$', name) or re.search(r'\s-(\S.*)$', name)
    if not match:
        return None
    query = match.group(1).strip().rstrip('.')
    description = ' '.join(' '.join(parts.get('DESCRIPTION', [])).split())
    words = description.split()
    if len(re.findall(r'[A-Za-z]{2,}', query)) < 2 or len(words) < 20:
        return None
    return query, ' '.join(words[:WORDS])


def main():
    output = sys.argv[1]
    count = int(sys.argv[sys.argv.index('--queries') + 1]) if '--queries' in sys.argv else 400
    os.makedirs(output, exist_ok=True)
    documents, seen = [], set()
    for name in sorted(os.listdir(MAN)):
        if not name.endswith('.gz') or os.path.islink(os.path.join(MAN, name)):
            continue
        try:
            parsed = page(os.path.join(MAN, name))
        except (OSError, EOFError):
            continue
        if not parsed or parsed[1] in seen:  # aliases share one page: keep it once
            continue
        seen.add(parsed[1])
        documents.append((re.sub(r'\.1[^.]*\.gz$', '', name), parsed[0], parsed[1]))
    # A query that names several pages (the same NAME line twice) has no single answer: not a query.
    query_counts = {}
    for _, query, _ in documents:
        query_counts[query.lower()] = query_counts.get(query.lower(), 0) + 1
    eligible = [index for index, (_, query, _) in enumerate(documents) if query_counts[query.lower()] == 1]
    eligible.sort(key=lambda index: hashlib.sha256(documents[index][0].encode()).hexdigest())
    chosen = sorted(eligible[:count])
    with open(os.path.join(output, 'cran.all.1400'), 'w', encoding='latin1', errors='replace') as handle:
        for number, (name, _, text) in enumerate(documents, 1):
            handle.write(f'.I {number}\n.T\n{name}\n.A\n\n.B\n\n.W\n{text}\n')
    with open(os.path.join(output, 'cran.qry'), 'w', encoding='latin1', errors='replace') as queries, open(
        os.path.join(output, 'cranqrel'), 'w'
    ) as judgements:
        for position, index in enumerate(chosen, 1):
            queries.write(f'.I {position:03d}\n.W\n{documents[index][1]}\n')
            judgements.write(f'{position} {index + 1} 1\n')
    print(f'{len(documents)} documents, {len(chosen)} queries in {output}', file=sys.stderr)


if __name__ == '__main__':
    main()
