#!/usr/bin/env bash
# Loads a GeoChat-7B-shaped checkpoint on the CPU and answers a few tokens, reporting load time,
# time to first token and peak resident memory against the weights' bytes. A benchmark, not a test:
# it writes 13.5 GB (once) and needs about 16 GB of memory.
#
#   tools/real_size_load.sh [MODEL_DIR] [--dtype bf16|f32] [--quantize int8]
#
# MODEL_DIR (default build/geochat-7b-random) is written by geolens-tiny-model when it does not
# exist yet: GeoChat-7B's release layout and shapes (two fp16 torch.save shards and their index, 32
# layers of 4096, 11008 wide, 32 heads, LLaMA's vocabulary) with random weights and a tiny vision
# tower, so that a small --image-size keeps the prompt short.
set -euo pipefail
cd "$(dirname "$0")/.."
model="${1:-build/geochat-7b-random}"
shift || true
options=("$@")
[ ${#options[@]} -eq 0 ] && options=(--dtype bf16)

if [ ! -f "$model/pytorch_model.bin.index.json" ]; then
    echo "writing $model (13.5 GB)..." >&2
    /usr/bin/time -f "written in %e s, peak resident memory %M KB" \
        build/bin/geolens-tiny-model "$model" --tokenizer data/llama-tokenizer.model --layout geochat-bin --half \
        --layers 32 --hidden 4096 --intermediate 11008 --heads 32 --kv-heads 32 --max-positions 2048 >&2
fi
image="$(mktemp --suffix=.ppm)"
trap 'rm -f "$image" "$image.time"' EXIT
python3 -c "import sys,random; r=random.Random(0); sys.stdout.buffer.write(b'P6\n56 56\n255\n'+bytes(r.randrange(256) for _ in range(56*56*3)))" > "$image"

/usr/bin/time -f "%M %e" -o "$image.time" build/bin/geolens-cli generate --model "$model" --image "$image" \
    --prompt "What is in this image?" --image-size 56 --max-new-tokens 4 --device cpu "${options[@]}" --json |
python3 -c '
import json, sys
answer = json.load(sys.stdin)
peak_kb, elapsed = open(sys.argv[1]).read().split()[-2:]
peak = int(peak_kb) * 1024
weights = answer["weight_bytes"]
print(json.dumps({
    "options": sys.argv[2],
    "dtype": answer["dtype"], "quantize": answer["quantize"],
    "weight_gb": round(weights / 1e9, 2),
    "load_seconds": round(answer["load_seconds"], 1),
    "first_token_seconds": round(answer["first_token_seconds"], 2),
    "tokens": len(answer["tokens"]), "generation_seconds": round(answer["seconds"], 2),
    "peak_resident_gb": round(peak / 1e9, 2),
    "peak_over_weights": round(peak / weights, 3),
    "elapsed_seconds": float(elapsed),
}, indent=1))
' "$image.time" "${options[*]}"
