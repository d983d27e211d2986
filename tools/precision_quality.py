#!/usr/bin/env python3
"""Greedy agreement and log-prob drift of lower-precision weights against f32, on many prompts.

    tools/precision_quality.py [--cli build/bin/geolens-cli] [--prompts 200] [--tokens 16]

geolens-tiny-model writes a random GeoChat-shaped model (4 layers of 256, LLaMA's vocabulary);
`geolens-cli generate --json` answers each prompt greedily with f32 weights, then with each
configuration compared (int8 weights, bf16 weights, int8 projections with the rest in bf16). For each configuration it prints:
- answers identical: the share of prompts whose whole greedy answer is the f32 answer;
- tokens agreeing: the share of the f32 answers' tokens reproduced before the first difference;
- log-prob drift: mean and largest |log p - log p_f32| of the chosen tokens over the shared prefix.
The prompts pair 20 questions with random images; the seeds are fixed, so a run is repeatable.
"""
import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

QUESTIONS = [
    "What is in this image?", "Describe the image in detail.", "How many buildings are there?",
    "Is there a river?", "What type of land use is shown?", "Classify the scene in one word.",
    "Are there any airplanes?", "Where is the road?", "What colour are the roofs?",
    "Is this an urban or a rural area?", "Describe the vegetation.", "Is there a bridge?",
    "What is at the top left?", "Count the vehicles.", "Is the water calm?",
    "What crops are grown here?", "Is there a harbour?", "Describe the shadows.",
    "What is the main object?", "Give a short caption.",
]

CONFIGS = {"int8": ["--quantize", "int8"], "bf16": ["--dtype", "bf16"], "int8+bf16": ["--quantize", "int8", "--dtype", "bf16"]}


def generate(cli, model, image, question, tokens, extra):
    command = [cli, "generate", "--model", model, "--image", image, "--prompt", question, "--image-size", "56",
               "--max-new-tokens", str(tokens), "--device", "cpu", "--json"] + extra
    result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=dict(os.environ, OMP_NUM_THREADS="1"))
    if result.returncode != 0:
        sys.exit("generate failed: " + result.stderr[-1000:])
    answer = json.loads(result.stdout)
    return answer["tokens"], answer["logprobs"]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cli", default="build/bin/geolens-cli")
    parser.add_argument("--tiny-model", default="build/bin/geolens-tiny-model")
    parser.add_argument("--tokenizer", default="data/llama-tokenizer.model")
    parser.add_argument("--prompts", type=int, default=200)
    parser.add_argument("--tokens", type=int, default=16)
    parser.add_argument("--configs", default="int8,bf16,int8+bf16")
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="precision-quality-")
    try:
        model = os.path.join(folder, "model")
        subprocess.run([args.tiny_model, model, "--tokenizer", args.tokenizer, "--layers", "4", "--hidden", "256",
                        "--intermediate", "688", "--output-scale", "3"], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        rng = random.Random(0)
        images = []
        for i in range(10):
            path = os.path.join(folder, "image%d.ppm" % i)
            with open(path, "wb") as f:
                f.write(b"P6\n56 56\n255\n" + bytes(rng.randrange(256) for _ in range(56 * 56 * 3)))
            images.append(path)
        prompts = [(images[i % len(images)], QUESTIONS[(i * 7) % len(QUESTIONS)]) for i in range(args.prompts)]
        reference = [generate(args.cli, model, image, question, args.tokens, []) for image, question in prompts]
        report = {"prompts": args.prompts, "tokens_per_answer": args.tokens, "model": "tiny 4 x 256, vocabulary 32000"}
        for name in args.configs.split(","):
            identical = agreeing = total = 0
            drifts = []
            for (image, question), (ref_tokens, ref_logprobs) in zip(prompts, reference):
                tokens, logprobs = generate(args.cli, model, image, question, args.tokens, CONFIGS[name])
                identical += tokens == ref_tokens
                total += len(ref_tokens)
                for k, token in enumerate(ref_tokens):
                    if k >= len(tokens) or tokens[k] != token:
                        break
                    agreeing += 1
                    drifts.append(abs(logprobs[k] - ref_logprobs[k]))
            report[name] = {
                "answers_identical": round(identical / len(prompts), 4),
                "tokens_agreeing": round(agreeing / max(total, 1), 4),
                "logprob_drift_mean": round(sum(drifts) / max(len(drifts), 1), 5),
                "logprob_drift_max": round(max(drifts, default=0.0), 5),
            }
        print(json.dumps(report, indent=1))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
