#!/usr/bin/env bash
# Measures the multi-aspect tile classifier against its teacher (docs/classifier.md). A benchmark,
# never run by ctest.
#
#   tools/classifier_bench.sh [--build DIR] [--teacher random:small|MODEL_DIR] [--student resnet18|clip]
#                             [--tiles N] [--threads N] [--seeds N] [--per-class N] [--skip-speed] [--skip-gain]
#
# --student clip trains the second kind of student, the teacher's CLIP tower frozen with a head;
# it needs --teacher MODEL_DIR (a folder, e.g. from geolens-tiny-model with --vision-* options).
#
# Speed: GeoChat's score mode (`analyze --mode score`) and the classifier (`analyze --classifier`,
# ResNet-18 at its defaults) label the same tiles of data/bluemarble.tif in the same run; each
# prints the tiles per second of its labelling, the model's load excluded, and the ratio is
# printed. The classifier's steady rate is also measured on 128 tiles of the raster scaled up
# (gdal_translate, from gdal-bin). The teacher is `random:PRESET` (the real shapes with random weights): its speed does
# not depend on its weights, and the classifier is trained for one epoch on its targets, which
# is enough for its speed, not for its answers.
#
# Gain of the aspect targets: synthetic scenes whose classes are combinations of three visible
# attributes (tools/synthetic_targets.cpp), a small training set per seed and one fixed test set;
# the same training with --aspect-weight 1 and 0 (cross-entropy only), test accuracy per seed,
# then the mean and the spread.
set -euo pipefail
cd "$(dirname "$0")/.."
build=build teacher=random:small student=resnet18 tiles=4 threads=2 seeds=5 perclass=16 speed=1 gain=1
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --teacher) teacher=$2; shift 2 ;;
    --student) student=$2; shift 2 ;;
    --tiles) tiles=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --seeds) seeds=$2; shift 2 ;;
    --per-class) perclass=$2; shift 2 ;;
    --skip-speed) speed=0; shift ;;
    --skip-gain) gain=0; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
cli=$build/bin/geolens-cli
architecture=(--architecture "$student")
if [ "$student" = clip ]; then
  [ -d "$teacher" ] || { echo "--student clip needs --teacher MODEL_DIR" >&2; exit 2; }
  architecture+=(--clip-model "$teacher")
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rate() { sed -n 's/.* at \([0-9.]*\) tiles\/s.*/\1/p' | tail -1; }

if [ "$speed" = 1 ]; then
  raster=data/bluemarble.tif
  ids=$(seq -s, 0 $((tiles - 1)))
  model=(--model "$teacher" --tokenizer data/llama-tokenizer.model --device cpu --threads "$threads")
  echo "== speed: $tiles tiles of $raster, teacher $teacher, $threads threads"
  score=$("$cli" analyze "$raster" "${model[@]}" --task scene --preset aid --mode score --tiles "$ids" \
            --out "$work/score.gpkg" 2>&1 | tee /dev/stderr | rate)
  "$cli" aspects "$raster" "${model[@]}" --preset aid --tiles "$ids" --out "$work/targets" 2>&1 | tail -1
  "$cli" train-classifier --targets "$work/targets" --out "$work/run" "${architecture[@]}" --epochs 1 --batch 2 --validation 0.5 \
    --class-target teacher --threads "$threads" 2>&1 | tail -1
  same=$("$cli" analyze "$raster" --classifier "$work/run/classifier" --tiles "$ids" --threads "$threads" \
           --out "$work/same.gpkg" 2>&1 | tee /dev/stderr | rate)
  # The steady rate: 128 tiles of the raster scaled 3x (a warm-up is part of a short run).
  gdal_translate -q -outsize 8064 4032 -r bilinear "$raster" "$work/large.tif"
  whole=$("$cli" analyze "$work/large.tif" --classifier "$work/run/classifier" --threads "$threads" \
            --out "$work/whole.gpkg" 2>&1 | tee /dev/stderr | rate)
  echo "teacher score mode: $score tiles/s; classifier: $same tiles/s on the same tiles, $whole on 128 tiles"
  python3 -c "print('classifier / teacher: %.0fx (same tiles), %.0fx (128 tiles)' % ($same / $score, $whole / $score))"
fi

if [ "$gain" = 1 ]; then
  echo "== gain of the aspect targets: $seeds seeds, $perclass training images per class, 400 test images"
  "$build/bin/geolens-synthetic-targets" "$work/test" 50 999 64 >/dev/null
  for seed in $(seq 1 "$seeds"); do
    "$build/bin/geolens-synthetic-targets" "$work/train$seed" "$perclass" "$seed" 64 >/dev/null
    for weight in 1 0; do
      acc=$("$cli" train-classifier --targets "$work/train$seed" --out "$work/gain-$seed-$weight" "${architecture[@]}" \
              --aspect-weight "$weight" --epochs 20 --batch 32 --validation 0.2 --patience 20 --seed "$seed" \
              --threads "$threads" --test "$work/test" 2>&1 | sed -n 's/.*test on .* accuracy \([0-9.]*\),.*/\1/p')
      echo "seed $seed aspect-weight $weight test accuracy $acc"
    done
  done | tee "$work/gain.txt"
  python3 - "$work/gain.txt" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
for w in ("1", "0"):
    a = [float(r[-1]) for r in rows if r[3] == w]
    print("aspect-weight %s: mean %.3f, sd %.3f over %d seeds" % (w, statistics.mean(a), statistics.stdev(a) if len(a) > 1 else 0, len(a)))
d = [float(a[-1]) - float(b[-1]) for a, b in zip(rows[0::2], rows[1::2])]
print("gain (with - without), paired: mean %+.3f, sd %.3f, better in %d of %d seeds" % (statistics.mean(d), statistics.stdev(d) if len(d) > 1 else 0, sum(x > 0 for x in d), len(d)))
PY
fi
