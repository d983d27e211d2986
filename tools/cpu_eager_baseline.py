#!/usr/bin/env python3
"""PyTorch eager on the CPU: the decoder of `geolens-cli bench --random small`, timed as bench times it.

A LLaMA decoder written with PyTorch's operations as transformers' LlamaForCausalLM computes it in
eager mode (RMSNorm in float32, rotate-half rotary embeddings, attention as matmul, softmax in
float32, matmul; the cache grown by concatenation), random weights of the `small` preset's shapes.
It measures what bench measures: a prefill of the 315-token scene prompt, and greedy decoding of
--decode-tokens tokens one at a time at batch 1 and --batch, timed from the first decoding step
to the last. For machines where transformers cannot be installed; the GPU baseline is
hf_baseline.py with transformers itself. Prints one JSON object.

    apt-get install python3-torch   # Debian 12: PyTorch 1.13, the LibTorch GeoLens links
    OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 /usr/bin/python3 tools/cpu_eager_baseline.py --threads 1 --batch 8 \
        --decode-tokens 64 --repeats 2

On two cores, run it both ways and keep its faster figures: with OpenBLAS's own threads
(OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=2 GOMP_SPINCOUNT=20000 ... --threads 1), and on the OpenMP
build of OpenBLAS that GeoLens links
(LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp GOMP_SPINCOUNT=20000 ... --threads 2).
"""
import argparse
import json
import math
import time

import torch

SMALL = dict(hidden=1024, intermediate=2816, layers=16, heads=16, vocab=32000, eps=1e-6, theta=10000.0)
PROMPT_TOKENS = 316  # 256 image tokens + 60 text tokens of bench's scene prompt


class Decoder:
    def __init__(self, c, seed=1):
        g = torch.Generator().manual_seed(seed)
        h, i = c["hidden"], c["intermediate"]
        w = lambda *shape: torch.randn(*shape, generator=g) * 0.02
        self.c = c
        self.embed = w(c["vocab"], h)
        self.layers = [dict(q=w(h, h), k=w(h, h), v=w(h, h), o=w(h, h), gate=w(i, h), up=w(i, h), down=w(h, i),
                            n1=torch.ones(h), n2=torch.ones(h)) for _ in range(c["layers"])]
        self.norm = torch.ones(h)
        self.head = w(c["vocab"], h)
        d = h // c["heads"]
        self.inv_freq = 1.0 / (c["theta"] ** (torch.arange(0, d, 2, dtype=torch.float32) / d))

    def rms(self, x, weight):
        v = x.float().pow(2).mean(-1, keepdim=True)
        return weight * (x * torch.rsqrt(v + self.c["eps"]))

    @staticmethod
    def rotate_half(x):
        half = x.shape[-1] // 2
        return torch.cat((-x[..., half:], x[..., :half]), dim=-1)

    def forward(self, ids, cache):
        b, t = ids.shape
        start = cache[0][0].shape[2] if cache else 0
        heads, h = self.c["heads"], self.c["hidden"]
        d = h // heads
        pos = torch.arange(start, start + t, dtype=torch.float32)
        freqs = torch.outer(pos, self.inv_freq)
        emb = torch.cat((freqs, freqs), dim=-1)
        cos, sin = emb.cos()[None, None], emb.sin()[None, None]
        mask = None
        if t > 1:
            mask = torch.full((t, start + t), float("-inf")).triu(start + 1)[None, None]
        x = torch.nn.functional.embedding(ids, self.embed)
        new_cache = []
        for li, l in enumerate(self.layers):
            y = self.rms(x, l["n1"])
            q = torch.nn.functional.linear(y, l["q"]).view(b, t, heads, d).transpose(1, 2)
            k = torch.nn.functional.linear(y, l["k"]).view(b, t, heads, d).transpose(1, 2)
            v = torch.nn.functional.linear(y, l["v"]).view(b, t, heads, d).transpose(1, 2)
            q = q * cos + self.rotate_half(q) * sin
            k = k * cos + self.rotate_half(k) * sin
            if cache:
                k = torch.cat((cache[li][0], k), dim=2)
                v = torch.cat((cache[li][1], v), dim=2)
            new_cache.append((k, v))
            s = torch.matmul(q, k.transpose(2, 3)) / math.sqrt(d)
            if mask is not None:
                s = s + mask
            a = torch.matmul(torch.softmax(s.float(), dim=-1), v)
            x = x + torch.nn.functional.linear(a.transpose(1, 2).reshape(b, t, h), l["o"])
            y = self.rms(x, l["n2"])
            x = x + torch.nn.functional.linear(torch.nn.functional.silu(torch.nn.functional.linear(y, l["gate"])) *
                                               torch.nn.functional.linear(y, l["up"]), l["down"])
        logits = torch.nn.functional.linear(self.rms(x[:, -1:], self.norm), self.head)
        return logits, new_cache


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--decode-tokens", type=int, default=64)
    p.add_argument("--repeats", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    m = Decoder(SMALL)
    prompt = lambda batch: torch.randint(0, SMALL["vocab"], (batch, PROMPT_TOKENS))
    out = {"torch": torch.__version__, "threads": a.threads, "prefill_tokens": PROMPT_TOKENS}
    with torch.inference_mode():
        m.forward(prompt(1), None)
        start = time.perf_counter()
        for _ in range(a.repeats):
            m.forward(prompt(1), None)
        out["prefill_ms"] = (time.perf_counter() - start) / a.repeats * 1000

        def decode_ms(batch):
            total = 0.0
            for r in range(a.repeats + 1):  # the first is a warm-up
                logits, cache = m.forward(prompt(batch), None)
                start = time.perf_counter()
                for _ in range(a.decode_tokens):
                    nxt = logits[:, -1].argmax(-1)
                    int(nxt[0])
                    logits, cache = m.forward(nxt[:, None], cache)
                if r > 0:
                    total += time.perf_counter() - start
            return total / a.repeats * 1000

        out["decode_tokens_per_s"] = a.decode_tokens / (decode_ms(1) / 1000)
        out["decode_tokens_per_s_batched"] = a.decode_tokens * a.batch / (decode_ms(a.batch) / 1000)
        out["batch"] = a.batch
    print(json.dumps(out))


if __name__ == "__main__":
    main()
