#!/usr/bin/env bash
# Every lexical feature on and off, and plain FTS5 porter BM25, on one labelled set, lexical only:
#   packages/memory/eval-data/lexical-ablation.sh squad ../shared/data/eval/xquad-en.json
#   packages/memory/eval-data/lexical-ablation.sh cranfield /tmp/man-pages
# One markdown row per setting (nDCG@10, MRR@10, recall@1, recall@5) on stdout.
set -euo pipefail
format=$1
input=$2
none='proximityWeight=0,truncatedMatchWeight=0,exactFormWeight=0,phraseWeight=0'
settings=(
  plain
  default
  "$none"
  "$none,fuzzy=false,maxDocumentFraction=1"
  proximityWeight=0
  truncatedMatchWeight=0
  exactFormWeight=0
  phraseWeight=0
  fuzzy=false
  maxDocumentFraction=1
  "proximityWeight=1,truncatedMatchWeight=0,exactFormWeight=0,phraseWeight=0"
  "proximityWeight=0,truncatedMatchWeight=0.3,exactFormWeight=0,phraseWeight=0"
  "proximityWeight=0,truncatedMatchWeight=0,exactFormWeight=0.4,phraseWeight=0"
  "proximityWeight=0,truncatedMatchWeight=0,exactFormWeight=0,phraseWeight=0.2"
)
echo "| lexical setting | nDCG@10 | MRR@10 | recall@1 | recall@5 |"
echo "| --- | --- | --- | --- | --- |"
for setting in "${settings[@]}"; do
  pnpm --silent klody-eval retrieval --format "$format" --input "$input" --embedder none \
    --lexical "$setting" --json 2>/dev/null |
    node -e 'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>{const r=JSON.parse(s).bm25;const f=(v)=>v.toFixed(3);console.log(`| ${process.argv[1]} | ${f(r["ndcg@10"])} | ${f(r["mrr@10"])} | ${f(r["recall@1"])} | ${f(r["recall@5"])} |`)})' "$setting"
done
