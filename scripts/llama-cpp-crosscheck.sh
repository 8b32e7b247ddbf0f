#!/usr/bin/env bash
# Cross-checks the engine against llama.cpp itself: synthetic DeepSeek-V3-style GGUF files written by
# `./rr engine synth`, and the project's trained model in model/ (its tokenizer too), are loaded by llama.cpp
# (node-llama-cpp's prebuilt CPU build, pinned in scripts/llama-cpp/package-lock.json, installed from npm on first
# use) and both compute next-token distributions
# for the same token ids. Per file it prints the largest |log p_engine - log p_llama.cpp| per position and how
# often the argmax agrees, and fails past the stated tolerance. Differences come from arithmetic: llama.cpp
# quantises activations to 8 bits for quantised weights (and to bf16 for bf16 weights); the engine keeps them in
# float32. Skips, saying so, where node or npm is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
LL=scripts/llama-cpp
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "llama-cpp-crosscheck: SKIPPED (node and npm are needed)"
  exit 0
fi
if [[ ! -d $LL/node_modules/node-llama-cpp ]]; then
  # npm install, not npm ci: the lock file lists only this platform's prebuilt binaries, which npm ci refuses
  (cd $LL && npm install --no-save --ignore-scripts --no-audit --no-fund --loglevel=error)
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0

# name, synth options, token ids, tolerance on |delta log p|, positions allowed past it (a near-tie in the
# top-k expert choice may flip under 8-bit activations and move one position's whole distribution)
check() {
  local name=$1 synth=$2 tokens=$3 tol=$4 outliers=$5
  if ! { ./rr engine synth --out "$work/$name.gguf" $synth \
         && ./rr engine logits "$work/$name.gguf" --tokens "$tokens" --out "$work/$name.bin" --backend cpu \
         && node $LL/distributions.mjs "$work/$name.gguf" "$tokens" > "$work/$name.json"; } > "$work/$name.log" 2>&1; then
    echo "FAIL  $name:"; cat "$work/$name.log"; status=1; return
  fi
  local result
  if result=$(node $LL/compare.mjs "$work/$name.json" "$work/$name.bin" "$tol" "$outliers"); then
    echo "ok    $name: $result"
  else
    echo "FAIL  $name: $result"
    status=1
  fi
}

T=1,5,17,3,99,200,7,311,42,8,64,128
check tiny-f32  "--preset tiny --type f32 --seed 7"  $T 0.01 0
check tiny-bf16 "--preset tiny --type bf16 --seed 7" $T 0.1 0
check tiny-q8_0 "--preset tiny --type q8_0 --seed 7" $T 0.15 0
check tiny-q4_k "--preset tiny --type q4_k --seed 7" $T 0.15 1
# the real DeepSeek-V3 tokenizer (128,815 tokens, deepseek-v3 pre-tokenizer metadata) in a 77 M-parameter model
check small-v3vocab-q8_0 "--preset small --type q8_0 --seed 7 --vocab deepseek-v3" 0,5,17,3,99,200,7,311,42,1000,50000,128000 0.2 1
# the project's trained model (model/*.gguf): llama.cpp's tokenizer must give the engine's ids for a rendered prompt
# (chat template, special tokens, digits one by one), and both must agree on the next-token distributions there
check_trained() {
  local file=$1 name trained text ids theirs
  name=$(basename "$file" .gguf)
  text=$'<｜begin▁of▁sentence｜><｜User｜>What is 4821 + 795?<｜Assistant｜><think>\n4821+795\n1+5+0=6 482+79 c0 r6\n'
  if ! { ids=$(./rr train tokens --model "$file" --text "$text" 2>"$work/$name.tok.log" | tail -1) \
         && theirs=$(node $LL/tokenize.mjs "$file" "$text" 2>>"$work/$name.tok.log" | tail -1); }; then
    echo "FAIL  $name tokenizer:"; cat "$work/$name.tok.log"; status=1; return
  fi
  if [[ "$ids" == "$theirs" ]]; then
    echo "ok    $name tokenizer: the same $(tr ',' '\n' <<<"$ids" | wc -l) ids as the engine"
  else
    echo "FAIL  $name tokenizer: engine $ids, llama.cpp $theirs"; status=1
  fi
  if ! { ./rr engine logits "$file" --tokens "$ids" --out "$work/$name.bin" --backend cpu \
         && node $LL/distributions.mjs "$file" "$ids" > "$work/$name.json"; } > "$work/$name.log" 2>&1; then
    echo "FAIL  $name:"; cat "$work/$name.log"; status=1; return
  fi
  # Q8_0 weights: llama.cpp runs 8-bit activations, which move a peaked distribution's unlikely tokens most; compare
  # the tokens either side gives log p >= -6 (an F32 export of the same weights agrees within 0.005 on every token)
  if trained=$(node $LL/compare.mjs "$work/$name.json" "$work/$name.bin" 0.3 2 -6); then
    echo "ok    $name: $trained"
  else
    echo "FAIL  $name: $trained"; status=1
  fi
}
for f in model/*.gguf; do
  [[ -f "$f" ]] && check_trained "$f"
done
exit $status
