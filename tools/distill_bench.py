#!/usr/bin/env python3
"""Time distillation steps of `geolens-cli distill` on random models, for one or two builds.

    tools/distill_bench.py --cli build/bin/geolens-cli [--baseline OTHER_CLI] \
        [--teacher DIR --student DIR] [--methods paper,kd] [--steps 9] [--rounds 3] [--image-size 56]

Without --teacher and --student, geolens-tiny-model writes a pair of tiny models (LLaMA's vocabulary
of 32000 tokens, so the full-vocabulary work of the losses weighs as it does in a real run; the
teacher deeper and wider than the student), with fixed weights, so that two programs see the same
models.

Each method runs `--steps` optimiser steps on a small generated data set; the time of a step is the
difference of the `seconds` of consecutive metrics records. For the paper's method, the steps that
draw a batch of rollouts (every ppo_epochs-th step) and the steps that only optimise are reported
apart. Each round runs in a folder with a name of another length (see run_name). With --baseline, the two programs run alternately (rounds x methods), so that the ratio is
measured in one run on the same machine; the losses of the two are printed side by side, as the
same seed must give the same losses up to float rounding. Each run's step times go to the standard
error as it ends.
"""
import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile


def make_data(folder, size, count=16):
    images = os.path.join(folder, "images")
    os.makedirs(images, exist_ok=True)
    rng = random.Random(0)
    entries = []
    for i in range(count):
        name = "img%02d.ppm" % i
        with open(os.path.join(images, name), "wb") as f:
            f.write(b"P6\n%d %d\n255\n" % (size, size))
            f.write(bytes(rng.randrange(256) for _ in range(size * size * 3)))
        entries.append({"id": str(i), "image": name, "conversations": [
            {"from": "human", "value": "<image>\nDescribe the image in detail."},
            {"from": "gpt", "value": "An aerial view with buildings, roads and a few trees near a river, "
                                     "a bridge crossing it and fields beyond."}]})
    data = os.path.join(folder, "data.json")
    with open(data, "w") as f:
        json.dump(entries, f)
    return data, images


def make_models(args, folder):
    models = []
    for name, shape in (("teacher", ["--layers", "3", "--hidden", "64", "--intermediate", "96"]),
                        ("student", ["--layers", "2", "--hidden", "32"])):
        path = os.path.join(folder, name)
        subprocess.run([args.tiny_model, path, "--tokenizer", args.tokenizer, "--output-scale", "3"] + shape,
                       check=True, stdout=subprocess.DEVNULL)
        models.append(path)
    return models


METHOD_SETTINGS = {
    # Warm start of one step, then distillation; four PPO passes over each batch of rollouts, so that
    # the median step is one that only optimises.
    "paper": "run.sft_warmup_steps=1;minillm.ppo_epochs=4;minillm.rollout_batch_size=4;minillm.max_new_tokens=24",
    "kd": "",
    "rkl": "",
}


def run(cli, args, method, data, images, folder, name="run", extra_env=None):
    out = os.path.join(folder, name)
    shutil.rmtree(out, ignore_errors=True)
    settings = "run.eval_interval=0;run.checkpoint_interval=0;validation_fraction=0.125"
    if METHOD_SETTINGS.get(method):
        settings += ";" + METHOD_SETTINGS[method]
    command = [cli, "distill", "--teacher", args.teacher, "--student", args.student, "--tokenizer", args.tokenizer,
               "--data", data, "--images", images, "--out", out, "--method", method, "--steps", str(args.steps),
               "--batch-size", str(args.batch_size), "--image-size", str(args.image_size), "--seed", "7",
               "--set", settings, "--json"]
    env = dict(os.environ, OMP_NUM_THREADS=str(args.threads), **(extra_env or {}))
    result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    if result.returncode != 0:
        sys.exit("%s distill failed (%d): %s" % (cli, result.returncode, result.stderr[-2000:]))
    rows = [json.loads(line) for line in open(os.path.join(out, "metrics.jsonl")) if line.strip()]
    steps = [r for r in rows if "loss" in r and "step" in r]
    # The first step pays the start-up (loading, first allocations): not timed.
    timed = []
    for before, after in zip(steps, steps[1:]):
        timed.append((after.get("phase", ""), after["step"], after["seconds"] - before["seconds"], after))
    return timed


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cli", default="build/bin/geolens-cli")
    parser.add_argument("--baseline", help="a second geolens-cli to compare with")
    parser.add_argument("--baseline-env", action="append", default=[], metavar="KEY=VALUE",
                        help="an environment variable for the baseline's runs alone, e.g. "
                             "GLIBC_TUNABLES=glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=1073741824 "
                             "to give a baseline the allocator settings that distill sets itself")
    parser.add_argument("--teacher")
    parser.add_argument("--student")
    parser.add_argument("--tiny-model", default="build/bin/geolens-tiny-model")
    parser.add_argument("--tokenizer", default="data/llama-tokenizer.model")
    parser.add_argument("--methods", default="paper,kd")
    parser.add_argument("--steps", type=int, default=9)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=2)
    parser.add_argument("--image-size", type=int, default=56)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()

    baseline_env = dict(item.split("=", 1) for item in args.baseline_env)
    programs = [("geolens", args.cli, {})] + ([("baseline", args.baseline, baseline_env)] if args.baseline else [])
    folder = tempfile.mkdtemp(prefix="distill-bench-")
    try:
        data, images = make_data(folder, args.image_size)
        if not args.teacher or not args.student:
            args.teacher, args.student = make_models(args, folder)
        times = {}   # (program, method, group) -> [seconds]
        losses = {}  # (program, method) -> [loss of each step]
        for round_index in range(args.rounds):
            # The run folder's name differs from round to round: glibc's allocator adapts its
            # thresholds to the history of allocations, and a program that leaves it to do so takes
            # different times for the same work with different path lengths.
            run_name = "run" + "-x" * (5 * round_index)
            for method in args.methods.split(","):
                for name, cli, extra_env in programs:
                    timed = run(cli, args, method, data, images, folder, run_name, extra_env)
                    print(name, method, " ".join("%.3f" % t[2] for t in timed), file=sys.stderr)
                    for phase, step, seconds, record in timed:
                        group = phase or method
                        times.setdefault((name, method, group), []).append(seconds)
                    losses[(name, method)] = " ".join("%.6g/%.6g" % (r.get("loss", 0), r.get("rev_kl", 0))
                                                      for _, _, _, r in timed)
        report = {"teacher": args.teacher, "student": args.student, "steps": args.steps, "rounds": args.rounds, "threads": args.threads,
                  "median_step_seconds": {}, "losses": {}}
        for (name, method, group), values in sorted(times.items()):
            report["median_step_seconds"]["%s %s %s" % (name, method, group)] = round(statistics.median(values), 4)
        if args.baseline:
            report["speedup_vs_baseline"] = {}
            for (name, method, group), values in sorted(times.items()):
                if name != "geolens" or ("baseline", method, group) not in times:
                    continue
                report["speedup_vs_baseline"]["%s %s" % (method, group)] = round(
                    statistics.median(times[("baseline", method, group)]) / statistics.median(values), 3)
            # loss/rev_kl of each timed step of the last round.
        for (name, method), values in sorted(losses.items()):
            report["losses"]["%s %s" % (name, method)] = values
        print(json.dumps(report, indent=1))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
