#!/usr/bin/env bash
# The checks that need a GPU, in one go, for a machine with CUDA, PyTorch and transformers but no
# Qt, GDAL or OpenCV: the engine-only build against PyTorch's LibTorch, numerical parity with the
# reference on the tiny models in bf16, speed next to the Python baseline measured in the same run,
# the share of an evaluation run's time spent outside the model, distillation step time and memory
# on random GeoChat-shaped models (a 13B-shaped teacher, a 7B-shaped LoRA student) on one GPU and
# on all of them where there are several, and last the engine tests (tests/engine) in the
# engine-only build where Qt Test is installed. Each part has its own time limit and writes its own
# file, so a part that fails or runs out of time leaves the others' results.
#
#   scripts/device-check.sh [OUT_DIR]       results in OUT_DIR (default: $OUT, else device-check/)
#   scripts/device-check.sh --smoke [OUT]   the same plumbing on the CPU with tiny shapes and the
#                                           existing build/ (no PyTorch needed), to try the script
#   scripts/device-check.sh --prepare       copies into build-deps/ what a bare GPU machine may lack:
#                                           this machine's nlohmann-json headers, its SentencePiece
#                                           (header and library) and the Python baseline script;
#                                           carry build-deps there and the script uses each copy
#                                           only where the machine has none of its own
#
# DEVICE_CHECK_SECONDS (default 3600) is the time the whole check may take: each part's own limit
# is cut to what is left, and a part with too little left is skipped and says so. The parts run in
# the order of what matters most: build, parity, speed, evaluation, distillation.
# DEVICE_CHECK_PARTS="parity bench evaluate distill distill-gpus tests" (default: all) picks parts;
# the build always runs, and distill-gpus needs distill.
#
# Needs data/llama-tokenizer.model (scripts/fetch-llama-tokenizer.sh). The baseline script is
# looked for in shared/bench and ../shared/bench.
set -u
cd "$(dirname "$0")/.."

# nlohmann-json is header-only; the engine build falls back to this copy when no package is found.
json_headers="$PWD/build-deps/nlohmann-json"
spm_copy="$PWD/build-deps/sentencepiece"
bench_copy="$PWD/build-deps/bench"
if [ "${1:-}" = "--prepare" ]; then
    if [ ! -f /usr/include/nlohmann/json.hpp ]; then
        echo "FAIL: /usr/include/nlohmann/json.hpp is missing (install nlohmann-json3-dev)" >&2
        exit 1
    fi
    rm -rf "$json_headers"
    mkdir -p "$json_headers"
    cp -r /usr/include/nlohmann "$json_headers/"
    echo "nlohmann-json headers in $json_headers"
    # Debian's SentencePiece needs nothing beyond the C++ runtime; both names are real files, since
    # a carried link may not travel.
    spm_library=$(ls /usr/lib/*/libsentencepiece.so.0 2>/dev/null | head -1)
    if [ -f /usr/include/sentencepiece_processor.h ] && [ -n "$spm_library" ]; then
        rm -rf "$spm_copy"
        mkdir -p "$spm_copy/include" "$spm_copy/lib"
        cp /usr/include/sentencepiece_processor.h "$spm_copy/include/"
        cp -L "$spm_library" "$spm_copy/lib/libsentencepiece.so.0"
        cp -L "$spm_library" "$spm_copy/lib/libsentencepiece.so"
        echo "SentencePiece in $spm_copy"
    else
        echo "warning: no SentencePiece here (libsentencepiece-dev) to copy" >&2
    fi
    for candidate in shared/bench/hf_baseline.py ../shared/bench/hf_baseline.py; do
        if [ -f "$candidate" ]; then
            mkdir -p "$bench_copy"
            cp "$candidate" "$bench_copy/"
            echo "baseline script in $bench_copy"
            break
        fi
    done
    exit 0
fi

smoke=0
if [ "${1:-}" = "--smoke" ]; then
    smoke=1
    shift
fi
out="${1:-${OUT:-device-check}}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
summary="$out/summary.txt"
: > "$summary"
note() { echo "$*" | tee -a "$summary"; }

# The whole check's time: every part's limit is cut to what is left of it.
check_start=$(date +%s)
check_seconds=${DEVICE_CHECK_SECONDS:-3600}
limit() { # limit SECONDS: prints the part's limit, or nothing when under 30 s are left
    local left=$(( check_seconds - ($(date +%s) - check_start) - 5 ))
    [ "$left" -lt 30 ] && return 1
    [ "$1" -lt "$left" ] && echo "$1" || echo "$left"
}
wanted() { # wanted PART: true unless DEVICE_CHECK_PARTS names other parts only
    [ -z "${DEVICE_CHECK_PARTS:-}" ] || [[ " $DEVICE_CHECK_PARTS " == *" $1 "* ]]
}
one_line() { python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))))' "$1"; } # a JSON file on one line
within() { # within SECONDS COMMAND...: timeout with the part's limit cut to what is left
    local seconds
    seconds=$(limit "$1") || { echo "skipped: too little of the check's time (DEVICE_CHECK_SECONDS) left" >&2; return 124; }
    shift
    timeout "$seconds" "$@"
}

tokenizer=data/llama-tokenizer.model
if [ ! -f "$tokenizer" ]; then
    note "FAIL: $tokenizer is missing (scripts/fetch-llama-tokenizer.sh)"
    exit 1
fi

if [ "$smoke" = 1 ]; then
    build=build device=cpu dtype=f32 teacher=random:tiny student=random:tiny bench_preset=tiny size=24
else
    build=build-gpu device=cuda dtype=bf16 teacher=random:geochat-13b student=random:geochat-7b
    bench_preset=geochat-7b size=504
fi
cli="$build/bin/geolens-cli"
tiny="$build/bin/geolens-tiny-model"

# 1. The engine-only build against PyTorch's LibTorch.
if [ "$smoke" = 0 ]; then
    start=$(date +%s)
    prefix=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
    json_option=()
    if [ -f "$json_headers/nlohmann/json.hpp" ]; then
        json_option=(-DGEOLENS_NLOHMANN_JSON_DIR="$json_headers")
    elif [ ! -f /usr/include/nlohmann/json.hpp ]; then
        note "build: no nlohmann-json here and no copy in build-deps/ (scripts/device-check.sh --prepare)"
    fi
    if [ ! -f /usr/include/sentencepiece_processor.h ] && [ -f "$spm_copy/lib/libsentencepiece.so" ]; then
        json_option+=(-DSENTENCEPIECE_INCLUDE_DIR="$spm_copy/include" -DSENTENCEPIECE_LIBRARY="$spm_copy/lib/libsentencepiece.so")
        export LD_LIBRARY_PATH="$spm_copy/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
        note "build: SentencePiece from build-deps (none on this machine)"
    fi
    { python3 -c 'import torch, transformers; print("torch", torch.__version__, "cuda", torch.version.cuda, "transformers", transformers.__version__)'
      nvcc --version | tail -1; cmake --version | head -1; c++ --version | head -1; } > "$out/versions.txt" 2>&1
    note "versions: $(tr '\n' ';' < "$out/versions.txt")"
    if within 600 cmake -S . -B "$build" -G Ninja -DGEOLENS_ENGINE_ONLY=ON -DCMAKE_BUILD_TYPE=Release \
            -DCMAKE_PREFIX_PATH="$prefix" ${json_option[@]+"${json_option[@]}"} > "$out/build.log" 2>&1 &&
        within 600 cmake --build "$build" -j "$(nproc)" --target geolens-cli geolens-tiny-model -- -k 0 >> "$out/build.log" 2>&1; then
        note "build: ok in $(( $(date +%s) - start )) s; $(grep -o 'Decoding steps on CUDA: .*' "$out/build.log" | head -1)"
    else
        note "FAIL build: see build.log"
        grep -E -A4 "error:|FAILED:|CMake Error" "$out/build.log" | head -80
        tail -15 "$out/build.log"
        exit 1
    fi
fi
nvidia-smi --query-gpu=index,name,memory.total,memory.free --format=csv,noheader > "$out/gpus.txt" 2>&1 || true

if wanted parity; then
# 2. Parity with the reference (transformers) on the tiny models, in every checkpoint layout.
if [ "$smoke" = 0 ]; then
    if within 300 python3 tools/engine_parity.py --cli "$cli" --tiny "$tiny" --tokenizer "$tokenizer" \
            --device cuda --dtype bf16 --tolerance 0.15 --margin 0.5 > "$out/parity.txt" 2>&1; then
        note "parity bf16 on cuda: ok ($(tail -1 "$out/parity.txt"))"
    else
        note "FAIL parity: $(tail -3 "$out/parity.txt" | tr '\n' ' ')"
        # Generation replays its decoding steps as a CUDA graph: the same check without graphs
        # tells a fault of the capture from one of the operations.
        GEOLENS_DECODE_STEPS=operations within 300 python3 tools/engine_parity.py --cli "$cli" --tiny "$tiny" \
            --tokenizer "$tokenizer" --device cuda --dtype bf16 --tolerance 0.15 --margin 0.5 > "$out/parity-operations.txt" 2>&1
        note "parity bf16 on cuda, steps as operations (no CUDA graph): $(tail -1 "$out/parity-operations.txt")"
        within 120 python3 tools/engine_parity.py --cli "$cli" --tiny "$tiny" --tokenizer "$tokenizer" \
            --device cuda --dtype f32 > "$out/parity-cuda-f32.txt" 2>&1
        note "parity f32 on cuda: $(tail -1 "$out/parity-cuda-f32.txt")"
    fi
    # The same in float32 on the CPU with this LibTorch: tells a fault of the device or the element
    # type from one of the LibTorch version.
    if within 120 python3 tools/engine_parity.py --cli "$cli" --tiny "$tiny" --tokenizer "$tokenizer" \
            --device cpu --dtype f32 > "$out/parity-cpu.txt" 2>&1; then
        note "parity f32 on the CPU: ok ($(tail -1 "$out/parity-cpu.txt"))"
    else
        note "FAIL parity f32 on the CPU: $(tail -3 "$out/parity-cpu.txt" | tr '\n' ' ')"
    fi
fi

fi
if wanted bench; then
# 3. Speed: ours and the Python baseline, same run, same GPU.
bench_args=(bench --random "$bench_preset" --device "$device" --dtype "$dtype" --batch 8 --decode-tokens 64)
if within 300 "$cli" "${bench_args[@]}" > "$out/bench.json" 2> "$out/bench.log"; then
    note "bench: $(one_line "$out/bench.json")"
else
    note "FAIL bench: $(tail -2 "$out/bench.log" | tr '\n' ' ')"
    # The other figures still count if only the CUDA graph failed: the same bench without graphs.
    GEOLENS_DECODE_STEPS=operations within 300 "$cli" "${bench_args[@]}" > "$out/bench.json" 2> "$out/bench-operations.log" &&
        note "bench, steps as operations (no CUDA graph): $(one_line "$out/bench.json")" ||
        note "FAIL bench without graphs too: $(tail -2 "$out/bench-operations.log" | tr '\n' ' ')"
fi
# How the decoding steps ran, and what a captured CUDA graph gained over launching them one by one.
python3 - "$out/bench.json" <<'EOF' | tee -a "$summary"
import json, sys
try:
    b = json.load(open(sys.argv[1]))
except Exception:
    sys.exit(0)
line = "decode steps: %s; batch 1 %.1f tok/s, %.2f of the limit (%.1f tok/s)" % (
    b.get("decode_steps"), b["decode_tokens_per_s"], b["decode_share_of_limit"], b["decode_limit_tokens_per_s"])
if b.get("decode_tokens_per_s_operations"):
    line += "; launched one by one %.1f tok/s: graph %.2fx; capture %.0f ms" % (
        b["decode_tokens_per_s_operations"], b["decode_tokens_per_s"] / b["decode_tokens_per_s_operations"],
        b.get("decode_graph_capture_ms", 0.0))
print(line)
EOF
baseline=""
for candidate in shared/bench/hf_baseline.py ../shared/bench/hf_baseline.py "$bench_copy/hf_baseline.py"; do
    [ -f "$candidate" ] && baseline="$candidate" && break
done
if [ "$smoke" = 0 ] && [ -n "$baseline" ]; then
    within 400 python3 "$baseline" > "$out/baseline.json" 2> "$out/baseline.log" &&
        note "baseline: $(tail -1 "$out/baseline.json")" || note "FAIL baseline: $(tail -2 "$out/baseline.log" | tr '\n' ' ')"
    python3 - "$out/bench.json" "$out/baseline.json" <<'EOF' | tee -a "$summary"
import json, sys
try:
    ours = json.load(open(sys.argv[1]))
    ref = json.loads(open(sys.argv[2]).read().strip().splitlines()[-1])
except Exception as e:  # a part that failed has said so above
    print("ratios: not available (%s)" % e)
    sys.exit(0)
pairs = [("decode tokens/s, batch 1", ours.get("decode_tokens_per_s"), ref.get("hf_generate_decode_tok_s_b1")),
         ("scene tiles/s, batch 1", ours.get("scene_tiles_per_s_batch1"), ref.get("hf_scene_tiles_per_s_b1")),
         ("scene tiles/s, batch 8", ours.get("scene_tiles_per_s_batched"), ref.get("hf_scene_tiles_per_s_b8"))]
for name, a, b in pairs:
    if a and b:
        print("ratio %s: %.2f (ours %.1f, baseline %.1f)" % (name, a / b, a, b))
EOF
elif [ "$smoke" = 0 ]; then
    note "baseline: hf_baseline.py not found in shared/bench, ../shared/bench or build-deps/bench"
fi

fi
if wanted evaluate; then
# 4. Evaluation: a scene benchmark of 64 images answered by the 7B-shaped student, batch 8, to see
#     that the run is bound by the engine: the share of time outside the model's calls.
work="$out/evaluate-work"
rm -rf "$work"
python3 - "$work" "$size" <<'EOF'
import os, random, sys
work, size = sys.argv[1], int(sys.argv[2])
random.seed(1)
for c in ("forest", "harbor", "river", "parkinglot"):
    os.makedirs(os.path.join(work, "Images", c))
    for i in range(16):
        with open(os.path.join(work, "Images", c, "%s%02d.ppm" % (c, i)), "wb") as f:
            f.write(b"P6\n%d %d\n255\n" % (size, size))
            f.write(random.randbytes(size * size * 3))
EOF
start=$(date +%s)
if within 600 "$cli" evaluate --model "$student" --tokenizer "$tokenizer" --benchmark scene \
        --images "$work/Images" --out "$work/report" --batch 8 --max-new-tokens 8 --device "$device" \
        --dtype "$dtype" > "$out/evaluate.txt" 2> "$out/evaluate.log"; then
    cp "$work/report/metrics.json" "$out/evaluate-metrics.json"
    python3 - "$out/evaluate-metrics.json" "$(( $(date +%s) - start ))" <<'EOF' | tee -a "$summary"
import json, sys
for name, m in json.load(open(sys.argv[1])).items():
    print("evaluate %s: %d questions in %s s, %.3f s per question, %.1f %% of the time outside the model, "
          "%.0f GFLOPs per answer" % (name, m["answered"], sys.argv[2], m["seconds_per_question"],
                                       100 * m["time_outside_model"], m["flops_per_answer"] / 1e9))
EOF
else
    note "FAIL evaluate: $(tail -3 "$out/evaluate.log" | tr '\n' ' ')"
fi
rm -rf "$work"

fi
if wanted distill; then
# 5. Distillation on random GeoChat-shaped models: the paper's method, one SFT step, then
#    distillation steps with rollouts; LoRA on the student as GeoChat trained; bf16.
work="$out/distill-work"
rm -rf "$work"
mkdir -p "$work/images"
python3 - "$work" "$size" <<'EOF'
import json, os, random, sys
work, size = sys.argv[1], int(sys.argv[2])
random.seed(0)
entries = []
for i in range(16):
    name = "img%02d.ppm" % i
    with open(os.path.join(work, "images", name), "wb") as f:
        f.write(b"P6\n%d %d\n255\n" % (size, size))
        f.write(random.randbytes(size * size * 3))
    entries.append({"id": str(i), "image": name, "conversations": [
        {"from": "human", "value": "<image>\nDescribe the image in detail."},
        {"from": "gpt", "value": "An aerial view with buildings, roads and a few trees near a river."}]})
json.dump(entries, open(os.path.join(work, "data.json"), "w"))
EOF
start=$(date +%s)
distill_args=(distill --teacher "$teacher" --student "$student" --tokenizer "$tokenizer"
    --data "$work/data.json" --images "$work/images" --method paper --steps 5
    --batch-size 2 --teacher-device "$device" --student-device "$device" --dtype "$dtype" --json
    --set "run.sft_warmup_steps=1;run.eval_interval=0;run.checkpoint_interval=0;validation_fraction=0.1;minillm.max_new_tokens=64;minillm.ppo_epochs=2")
within 900 "$cli" "${distill_args[@]}" --out "$work/run" > "$out/distill.json" 2> "$out/distill.log"
status=$?
# Killed by a signal (not by the time limit): the same run once more under a debugger, for the
# stack of the crash.
debugger=$(command -v gdb || command -v cuda-gdb)
if [ "$status" -gt 128 ] && [ "$status" != 137 ] && [ -n "$debugger" ]; then
    within 180 "$debugger" -batch -ex run -ex bt --args "$cli" "${distill_args[@]}" --out "$work/run-debug" \
        > "$out/distill-backtrace.txt" 2>&1
    note "distill crash, stack: $(grep -E '^#[0-9]+ ' "$out/distill-backtrace.txt" | head -14 | cut -c1-160 | tr '\n' ' ')"
fi
cp "$work/run/metrics.jsonl" "$out/distill-metrics.jsonl" 2>/dev/null
if [ "$status" = 0 ]; then
    note "distill $teacher -> $student ($dtype, $device): ok in $(( $(date +%s) - start )) s"
else
    note "FAIL distill (exit $status): $(tail -3 "$out/distill.log" | tr '\n' ' ')"
fi
python3 - "$out/distill-metrics.jsonl" <<'EOF' | tee -a "$summary"
import json, sys
try:
    rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
except OSError:
    print("distill metrics: none written")
    sys.exit(0)
steps = [r for r in rows if "loss" in r]
previous = 0.0
for r in steps:
    print("distill step %d (%s): %.2f s, loss %s, rev_kl %s, align share of the gradient %s, %.0f tokens/s, "
          "GPU peak %.1f GiB, RAM %.1f GiB" % (
        r["step"], r.get("phase"), r["seconds"] - previous, r.get("loss"), r.get("rev_kl"),
        r.get("align_grad_share", "-"), r.get("tokens_per_s", 0), r.get("gpu_mem_gb", 0), r.get("rss_gb", 0)))
    previous = r["seconds"]
EOF

fi
if wanted distill-gpus; then
# 5b. The same distillation on several GPUs (torch.distributed: NCCL, one rank a GPU), when the
#     machine has them: step time on 1 and N GPUs, each rank with the single run's batch, so N
#     GPUs should take about the single step's time for N times the samples. torchrun launches the
#     ranks where PyTorch has it, else the variables torchrun sets are set here. The smoke run does
#     the same with 2 ranks on the CPU (Gloo).
if [ "$smoke" = 1 ]; then gpus=2; else gpus=$(nvidia-smi -L 2>/dev/null | grep -c '^GPU'); fi
if [ "${gpus:-0}" -ge 2 ]; then
    distill_on() { # distill_on RANKS RUN_DIR
        local ranks=$1 run=$2
        local args=(distill --teacher "$teacher" --student "$student" --tokenizer "$tokenizer"
            --data "$work/data.json" --images "$work/images" --out "$run" --method paper --steps 4 --batch-size 2
            --teacher-device "$device" --student-device "$device" --dtype "$dtype" --json
            --set "run.sft_warmup_steps=2;run.eval_interval=0;run.checkpoint_interval=0;validation_fraction=0.1;minillm.max_new_tokens=64;minillm.ppo_epochs=2;minillm.rollout_batch_size=2")
        if [ "$ranks" = 1 ]; then
            within 900 "$cli" "${args[@]}"
        elif python3 -c 'import torch.distributed.run' 2>/dev/null; then
            within 900 python3 -m torch.distributed.run --standalone --nproc-per-node "$ranks" --no-python "$cli" "${args[@]}"
        else
            local port=$(( 29500 + RANDOM % 1000 ))
            local pids=() r status=0
            for (( r = 0; r < ranks; r++ )); do
                RANK=$r LOCAL_RANK=$r WORLD_SIZE=$ranks LOCAL_WORLD_SIZE=$ranks MASTER_ADDR=127.0.0.1 \
                    MASTER_PORT=$port within 900 "$cli" "${args[@]}" &
                pids+=($!)
            done
            for r in "${pids[@]}"; do wait "$r" || status=$?; done
            return $status
        fi
    }
    for ranks in 1 "$gpus"; do
        if distill_on "$ranks" "$work/run-$ranks" > "$out/distill-$ranks-gpus.json" 2> "$out/distill-$ranks-gpus.log"; then
            python3 - "$work/run-$ranks/metrics.jsonl" "$ranks" <<'EOF' | tee -a "$summary"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
steps = [r for r in rows if "loss" in r]
times = [b["seconds"] - a["seconds"] for a, b in zip(steps, steps[1:])]
for phase in ("sft", "distill"):
    t = [dt for dt, r in zip(times, steps[1:]) if r.get("phase") == phase]
    tps = [r.get("tokens_per_s", 0) for r in steps[1:] if r.get("phase") == phase]
    if t:
        print("distill on %s GPU(s), %s steps: %.2f s a step, %.0f tokens/s (all ranks)" % (
            sys.argv[2], phase, sum(t) / len(t), sum(tps) / len(tps)))
EOF
        else
            note "FAIL distill on $ranks GPU(s): $(tail -3 "$out/distill-$ranks-gpus.log" | tr '\n' ' ')"
        fi
    done
else
    note "distill on several GPUs: skipped, this machine has ${gpus:-0} GPU(s)"
fi

fi
# The distillation's images and runs (checkpoints of GeoChat-sized models) are not results.
rm -rf "$out/distill-work"
if wanted tests; then
# 6. The engine tests (tests/engine) in the engine-only build, when that machine has Qt Test: the
#    same Qt-free tests CI runs, here against PyTorch's LibTorch.
if [ "$smoke" = 0 ]; then
    if [ -f "$build/tests/CTestTestfile.cmake" ]; then
        start=$(date +%s)
        if within 400 cmake --build "$build" -j "$(nproc)" > "$out/engine-tests-build.log" 2>&1; then
            (cd "$build" && within 300 ctest -j 8 --output-on-failure) > "$out/engine-tests.txt" 2>&1
            note "engine tests: $(grep -E 'tests passed|tests failed' "$out/engine-tests.txt" | tail -1) in $(( $(date +%s) - start )) s"
        else
            note "FAIL engine tests build: see engine-tests-build.log"
        fi
    else
        note "engine tests: not built (no Qt Test on this machine)"
    fi
fi
fi
echo "results in $out"
