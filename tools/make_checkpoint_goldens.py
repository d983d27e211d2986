#!/usr/bin/env python3
"""Writes tests/data/torch_save_small.bin with PyTorch's own torch.save, plus a JSON listing of
what it holds, so the checkpoint reader is tested on the real format and not only on files the
tests build by hand.

Run: python3 tools/make_checkpoint_goldens.py  (needs PyTorch; Debian's python3-torch will do)
"""
import collections
import json
import os

import torch


def main():
    torch.manual_seed(0)
    base = torch.arange(24, dtype=torch.float32).reshape(4, 6) / 8
    state = collections.OrderedDict()
    state["model.embed_tokens.weight"] = (torch.randn(5, 3) * 2).half()
    state["model.norm.weight"] = torch.linspace(-1, 1, 7).to(torch.bfloat16)
    state["lm_head.weight"] = base
    # Views share one storage: a row slice (storage offset 6) and a transpose (strides 1, 6).
    state["view.row"] = base[1]
    state["view.transposed"] = base.t()
    state["buffer.position_ids"] = torch.arange(9, dtype=torch.int64).unsqueeze(0)
    state["param.bias"] = torch.nn.Parameter(torch.tensor([0.5, -0.25], dtype=torch.float32))
    state["scalar"] = torch.tensor(3.5, dtype=torch.float64)

    here = os.path.join(os.path.dirname(__file__), "..", "tests", "data")
    torch.save(state, os.path.join(here, "torch_save_small.bin"))
    listing = {}
    for name, t in state.items():
        t = t.detach()
        listing[name] = {
            "dtype": str(t.dtype).replace("torch.", ""),
            "shape": list(t.shape),
            "stride": list(t.stride()),
            "values": [float(v) for v in t.float().reshape(-1)],
        }
    with open(os.path.join(here, "torch_save_small.json"), "w") as f:
        json.dump({"generator": "torch " + torch.__version__, "tensors": listing}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
