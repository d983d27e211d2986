#!/usr/bin/env python3
"""Checks geolens-cli generate against the reference on the tiny models, on any device: the test
for machines without Qt (GPU machines), where the Qt Test programs are not built.

For each checkpoint layout it writes the tiny model with geolens-tiny-model, runs
`geolens-cli generate --json` on every case of tools/reference_llava.py, and compares with the
reference computed in this process (transformers when installed): identical prompt ids, identical
greedy tokens while the reference's top-2 margin exceeds the threshold, and log-probabilities
within the tolerance (1e-3 for f32; pass a looser one, such as 0.15, for bf16).

Run: python3 tools/engine_parity.py --cli build/bin/geolens-cli --tiny build/bin/geolens-tiny-model \\
         --tokenizer data/llama-tokenizer.model --device cuda --dtype bf16 --tolerance 0.15
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import sentencepiece as spm
import torch

sys.path.insert(0, os.path.dirname(__file__))
import reference_llava as ref  # noqa: E402


def write_ppm(path, image):
    w, h = image.size
    with open(path, "wb") as f:
        f.write(b"P6\n%d %d\n255\n" % (w, h))
        f.write(np.asarray(image, dtype=np.uint8).tobytes())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cli", required=True)
    parser.add_argument("--tiny", required=True, help="geolens-tiny-model")
    parser.add_argument("--tokenizer", required=True)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--dtype", default="f32")
    parser.add_argument("--tolerance", type=float, default=1e-3)
    parser.add_argument("--margin", type=float, default=0.05)
    args = parser.parse_args()
    torch.set_grad_enabled(False)
    sp = spm.SentencePieceProcessor(model_file=args.tokenizer)
    weights = ref.tiny_weights()
    references = [ref.reference_case(sp, weights, *case) for case in ref.CASES]
    failures = 0
    report = []
    with tempfile.TemporaryDirectory() as tmp:
        for layout in ("geochat", "geochat-bin", "llava-hf", "llava-hf-nested"):
            folder = os.path.join(tmp, layout)
            subprocess.run([args.tiny, folder, "--tokenizer", args.tokenizer, "--layout", layout], check=True,
                           capture_output=True)
            for index, (case, expected) in enumerate(zip(ref.CASES, references)):
                question, history, (iw, ih, seed), steps = case
                if history:
                    continue  # the CLI takes a single question
                image = os.path.join(tmp, f"case{index}.ppm")
                write_ppm(image, ref.synthetic_image(iw, ih, seed))
                out = subprocess.run([args.cli, "generate", "--model", folder, "--image", image, "--prompt", question,
                                      "--image-size", str(ref.INPUT_SIZE), "--max-new-tokens", str(steps),
                                      "--device", args.device, "--dtype", args.dtype, "--json"],
                                     check=True, capture_output=True, text=True)
                got = json.loads(out.stdout)
                ok = got["prompt_tokens"] == expected["prompt_ids"]
                why = "" if ok else f"; prompt ids differ: {got['prompt_tokens']} vs {expected['prompt_ids']}"
                compared, largest = 0, 0.0
                for k, token in enumerate(expected["tokens"]):
                    if k >= len(got["tokens"]) or got["tokens"][k] != token:
                        ok = False
                        why += (f"; token {k}: {got['tokens'][k] if k < len(got['tokens']) else 'none'} "
                                f"vs {token} (reference margin {expected['margins'][k]:.3g})")
                        break
                    largest = max(largest, abs(got["logprobs"][k] - expected["logprobs"][k]))
                    compared += 1
                    if expected["margins"][k] <= args.margin:
                        break
                ok = ok and largest <= args.tolerance and compared >= 1
                failures += not ok
                report.append(f"{'ok  ' if ok else 'FAIL'} {layout:16s} case {index}: {compared} tokens identical, "
                              f"largest log-prob difference {largest:.2g}{why}")
    print("\n".join(report))
    implementation = "transformers" if ref.transformers_available() else "plain PyTorch reference"
    print(f"{len(report) - failures} passed, {failures} failed ({args.device} {args.dtype} vs {implementation})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
