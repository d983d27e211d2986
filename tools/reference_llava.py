#!/usr/bin/env python3
"""Reference outputs for the engine's parity test (tests/engine/tst_parity.cpp).

Builds the tiny model of tools/tinymodel/TinyModel.h from the same weight formula, prepares the
same synthetic images with PIL, tokenizes the prompts with SentencePiece the way LLaVA's
tokenizer_image_token does, and runs greedy generation by recomputing the whole sequence at each
step (no key/value cache), writing prompt ids, greedy tokens, their log-probabilities and the
top-2 margins to tests/data/tiny_geochat_golden.json.

The network is computed by transformers' own CLIPVisionModel and LlamaForCausalLM when transformers
is installed (as on the GPU machines); otherwise by the plain PyTorch definitions below, which
follow those classes' eager code operation by operation.

Run: python3 tools/reference_llava.py --tokenizer data/llama-tokenizer.model
"""
import argparse
import json
import math
import os

import numpy as np
import sentencepiece as spm
import torch
import torch.nn.functional as F
from PIL import Image

# tools/tinymodel/TinyModel.h: TinyModelSpec defaults, model_type "geochat", run at 24 px.
SPEC = dict(vocab=32000, hidden=32, intermediate=48, layers=2, heads=4, kv_heads=2, max_positions=512,
            rms_eps=1e-5, rope_theta=10000.0, v_image=16, v_patch=4, v_hidden=24, v_intermediate=40,
            v_layers=3, v_heads=2, v_eps=1e-5, select_layer=-2)
INPUT_SIZE = 24
MEAN = np.array([0.48145466, 0.4578275, 0.40821073], dtype=np.float32)
STD = np.array([0.26862954, 0.26130258, 0.27577711], dtype=np.float32)
SYSTEM = ("A chat between a curious human and an artificial intelligence assistant. The assistant gives "
          "helpful, detailed, and polite answers to the human's questions.")
CASES = [
    # question, history, image (width, height, seed), new tokens
    ("What is in this image?", [], (40, 30, 1), 12),
    ("Classify the image in the following classes: airport, beach, forest\nAnswer in one word or a short phrase.",
     [], (24, 24, 2), 8),
    ("[grounding] Describe the image in detail", [("Is there a river?", "Yes.")], (17, 33, 3), 8),
]

def transformers_available():
    try:
        import transformers  # noqa: F401
        return True
    except ImportError:
        return False


# --- the weight formula -------------------------------------------------------------------------

M64 = (1 << 64) - 1


def fnv1a64(name):
    h = 1469598103934665603
    for b in name.encode():
        h ^= b
        h = (h * 1099511628211) & M64
    return h


def formula(name, shape, scale, offset=0.0):
    n = int(np.prod(shape)) if shape else 1
    with np.errstate(over="ignore"):
        x = np.uint64(fnv1a64(name)) + np.arange(n, dtype=np.uint64)
        x = x + np.uint64(0x9E3779B97F4A7C15)
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        x = x ^ (x >> np.uint64(31))
    u = (x >> np.uint64(11)).astype(np.float64) / 9007199254740992.0 * 2.0 - 1.0
    values = (np.float64(np.float32(scale)) * u).astype(np.float32) + np.float32(offset)
    return torch.from_numpy(values.reshape(shape))


def tiny_weights():
    s = SPEC
    w = {}

    def matrix(name, out, inp):
        w[name] = formula(name, (out, inp), np.float32(1.0 / math.sqrt(inp)))

    def vector(name, n, scale, offset=0.0):
        w[name] = formula(name, (n,), np.float32(scale), offset)

    head_dim = s["hidden"] // s["heads"]
    w["model.embed_tokens.weight"] = formula("model.embed_tokens.weight", (s["vocab"], s["hidden"]), np.float32(0.5))
    for i in range(s["layers"]):
        p = f"model.layers.{i}."
        vector(p + "input_layernorm.weight", s["hidden"], 0.1, 1.0)
        vector(p + "post_attention_layernorm.weight", s["hidden"], 0.1, 1.0)
        matrix(p + "self_attn.q_proj.weight", s["hidden"], s["hidden"])
        matrix(p + "self_attn.k_proj.weight", s["kv_heads"] * head_dim, s["hidden"])
        matrix(p + "self_attn.v_proj.weight", s["kv_heads"] * head_dim, s["hidden"])
        matrix(p + "self_attn.o_proj.weight", s["hidden"], s["hidden"])
        matrix(p + "mlp.gate_proj.weight", s["intermediate"], s["hidden"])
        matrix(p + "mlp.up_proj.weight", s["intermediate"], s["hidden"])
        matrix(p + "mlp.down_proj.weight", s["hidden"], s["intermediate"])
    vector("model.norm.weight", s["hidden"], 0.1, 1.0)
    w["lm_head.weight"] = formula("lm_head.weight", (s["vocab"], s["hidden"]), np.float32(8.0 / math.sqrt(s["hidden"])))
    matrix("model.mm_projector.0.weight", s["hidden"], s["v_hidden"])
    vector("model.mm_projector.0.bias", s["hidden"], 0.02)
    matrix("model.mm_projector.2.weight", s["hidden"], s["hidden"])
    vector("model.mm_projector.2.bias", s["hidden"], 0.02)
    v = "model.vision_tower.vision_tower.vision_model."
    grid = s["v_image"] // s["v_patch"]
    vector(v + "embeddings.class_embedding", s["v_hidden"], 0.5)
    w[v + "embeddings.patch_embedding.weight"] = formula(
        v + "embeddings.patch_embedding.weight", (s["v_hidden"], 3, s["v_patch"], s["v_patch"]),
        np.float32(1.0 / math.sqrt(3.0 * s["v_patch"] * s["v_patch"])))
    w[v + "embeddings.position_embedding.weight"] = formula(
        v + "embeddings.position_embedding.weight", (1 + grid * grid, s["v_hidden"]), np.float32(0.1))
    vector(v + "pre_layrnorm.weight", s["v_hidden"], 0.1, 1.0)
    vector(v + "pre_layrnorm.bias", s["v_hidden"], 0.02)
    for i in range(s["v_layers"]):
        p = v + f"encoder.layers.{i}."
        for n in ("layer_norm1", "layer_norm2"):
            vector(p + n + ".weight", s["v_hidden"], 0.1, 1.0)
            vector(p + n + ".bias", s["v_hidden"], 0.02)
        for n in ("q_proj", "k_proj", "v_proj", "out_proj"):
            matrix(p + "self_attn." + n + ".weight", s["v_hidden"], s["v_hidden"])
            vector(p + "self_attn." + n + ".bias", s["v_hidden"], 0.02)
        matrix(p + "mlp.fc1.weight", s["v_intermediate"], s["v_hidden"])
        vector(p + "mlp.fc1.bias", s["v_intermediate"], 0.02)
        matrix(p + "mlp.fc2.weight", s["v_hidden"], s["v_intermediate"])
        vector(p + "mlp.fc2.bias", s["v_hidden"], 0.02)
    return w


# --- image and prompt ---------------------------------------------------------------------------

def synthetic_image(width, height, seed):
    y, x = np.mgrid[0:height, 0:width]
    planes = [(x * (3 + seed) + y * 7 + c * 50 + seed * 31) % 256 for c in range(3)]
    return Image.fromarray(np.stack(planes, axis=-1).astype(np.uint8), "RGB")


def preprocess(img):
    # GeoChat's expand2square with the CLIP mean colour, then CLIPImageProcessor: bicubic resize of
    # the shortest edge, centre crop, rescale (float64 -> float32), normalise in float32.
    w, h = img.size
    if w != h:
        side = max(w, h)
        square = Image.new("RGB", (side, side), tuple(int(m * 255) for m in MEAN))
        square.paste(img, ((side - w) // 2, (side - h) // 2))
        img = square
    img = img.resize((INPUT_SIZE, INPUT_SIZE), Image.BICUBIC)
    x = (np.asarray(img).astype(np.float64) * (1 / 255)).astype(np.float32)
    x = (x - MEAN) / STD
    return torch.from_numpy(x.transpose(2, 0, 1).copy()).unsqueeze(0)


def conversation(question, history):
    text = SYSTEM + " "
    first = True
    turns = list(history) + [(question, None)]
    for user, assistant in turns:
        text += "USER: " + ("<image>\n" + user if first else user) + " "
        first = False
        text += "ASSISTANT:" + ("" if assistant is None else " " + assistant + "</s>")
    return text


def hf_encode(sp, text):
    # LlamaTokenizer(text).input_ids: BOS, then SentencePiece pieces with "</s>" kept as EOS.
    ids = [1]
    parts = text.split("</s>")
    for i, part in enumerate(parts):
        if part:
            ids += sp.encode(part)
        if i + 1 < len(parts):
            ids.append(2)
    return ids


def tokenizer_image_token(sp, prompt):
    chunks = [hf_encode(sp, c) for c in prompt.split("<image>")]
    ids = [1]
    for i, chunk in enumerate(chunks):
        if i > 0:
            ids.append(-200)
        ids += chunk[1:]
    return ids


# --- the network --------------------------------------------------------------------------------

def clip_features(w, pixels):
    s = SPEC
    v = "model.vision_tower.vision_tower.vision_model."
    grid = INPUT_SIZE // s["v_patch"]
    table = w[v + "embeddings.position_embedding.weight"]
    native = int(math.sqrt(table.shape[0] - 1))
    if native != grid:  # GeoChat's clip_interpolate_embeddings
        img = table[1:].unsqueeze(0).permute(0, 2, 1).reshape(1, -1, native, native)
        img = F.interpolate(img, size=grid, mode="bicubic", align_corners=True)
        table = torch.cat([table[:1], img.reshape(1, -1, grid * grid).permute(0, 2, 1)[0]], 0)
    try:
        from transformers import CLIPVisionConfig, CLIPVisionModel
        cfg = CLIPVisionConfig(hidden_size=s["v_hidden"], intermediate_size=s["v_intermediate"],
                               num_hidden_layers=s["v_layers"], num_attention_heads=s["v_heads"],
                               image_size=INPUT_SIZE, patch_size=s["v_patch"], layer_norm_eps=s["v_eps"],
                               hidden_act="quick_gelu")
        model = CLIPVisionModel(cfg).eval()
        state = {k[len("model.vision_tower.vision_tower."):]: t for k, t in w.items() if k.startswith(v)}
        state["vision_model.embeddings.position_embedding.weight"] = table
        state["vision_model.post_layernorm.weight"] = torch.ones(s["v_hidden"])
        state["vision_model.post_layernorm.bias"] = torch.zeros(s["v_hidden"])
        if not any(k.startswith("vision_model.") for k in model.state_dict()):
            # transformers 5 names CLIPVisionModel's weights without the vision_model. prefix.
            state = {k[len("vision_model."):] if k.startswith("vision_model.") else k: t for k, t in state.items()}
        # Not strict, since buffers such as position_ids differ between versions; but a weight left
        # as initialised would make the reference random, so every parameter must have been given.
        loaded = model.load_state_dict(state, strict=False)
        parameters = dict(model.named_parameters())
        missing = [k for k in loaded.missing_keys if k in parameters]
        if missing or loaded.unexpected_keys:
            raise RuntimeError("transformers' CLIPVisionModel did not take the tiny weights: missing %s, unexpected %s"
                               % (missing[:4], loaded.unexpected_keys[:4]))
        with torch.no_grad():
            out = model(pixels, output_hidden_states=True)
        return out.hidden_states[s["select_layer"]][:, 1:]
    except ImportError:
        pass
    h = F.conv2d(pixels, w[v + "embeddings.patch_embedding.weight"], stride=s["v_patch"])
    h = h.flatten(2).transpose(1, 2)
    h = torch.cat([w[v + "embeddings.class_embedding"].expand(1, 1, -1), h], 1) + table
    h = F.layer_norm(h, (s["v_hidden"],), w[v + "pre_layrnorm.weight"], w[v + "pre_layrnorm.bias"], s["v_eps"])
    states = [h]
    heads, dim = s["v_heads"], s["v_hidden"] // s["v_heads"]
    for i in range(s["v_layers"]):
        p = v + f"encoder.layers.{i}."
        lin = lambda x, n: F.linear(x, w[p + n + ".weight"], w[p + n + ".bias"])
        r = h
        x = F.layer_norm(h, (s["v_hidden"],), w[p + "layer_norm1.weight"], w[p + "layer_norm1.bias"], s["v_eps"])
        b, t, _ = x.shape
        q = (lin(x, "self_attn.q_proj") * dim ** -0.5).view(b, t, heads, dim).transpose(1, 2)
        k = lin(x, "self_attn.k_proj").view(b, t, heads, dim).transpose(1, 2)
        vv = lin(x, "self_attn.v_proj").view(b, t, heads, dim).transpose(1, 2)
        a = torch.softmax(q @ k.transpose(-1, -2), -1) @ vv
        h = r + lin(a.transpose(1, 2).reshape(b, t, -1), "self_attn.out_proj")
        r = h
        x = F.layer_norm(h, (s["v_hidden"],), w[p + "layer_norm2.weight"], w[p + "layer_norm2.bias"], s["v_eps"])
        x = lin(x, "mlp.fc1")
        h = r + lin(x * torch.sigmoid(1.702 * x), "mlp.fc2")
        states.append(h)
    return states[s["select_layer"]][:, 1:]


def llama_logits(w, embeds):
    s = SPEC
    try:
        from transformers import LlamaConfig, LlamaForCausalLM
        cfg = LlamaConfig(vocab_size=s["vocab"], hidden_size=s["hidden"], intermediate_size=s["intermediate"],
                          num_hidden_layers=s["layers"], num_attention_heads=s["heads"],
                          num_key_value_heads=s["kv_heads"], max_position_embeddings=s["max_positions"],
                          rms_norm_eps=s["rms_eps"], rope_theta=s["rope_theta"], attn_implementation="eager",
                          tie_word_embeddings=False)
        model = LlamaForCausalLM(cfg).eval()
        model.load_state_dict({k: t for k, t in w.items() if k.startswith(("model.layers", "model.norm",
                                                                           "model.embed", "lm_head"))})
        with torch.no_grad():
            return model(inputs_embeds=embeds).logits.float()
    except ImportError:
        pass
    heads, kv, dim = s["heads"], s["kv_heads"], s["hidden"] // s["heads"]
    t = embeds.shape[1]
    inv_freq = 1.0 / (s["rope_theta"] ** (torch.arange(0, dim, 2).float() / dim))
    freqs = torch.einsum("i,j->ij", torch.arange(t, dtype=torch.float32), inv_freq)
    emb = torch.cat([freqs, freqs], -1)
    cos, sin = emb.cos()[None, None], emb.sin()[None, None]
    rot = lambda x: torch.cat([-x[..., dim // 2:], x[..., :dim // 2]], -1)
    mask = torch.full((t, t), torch.finfo(torch.float32).min).triu(1)[None, None]

    def rms(x, weight):
        v = x.float().pow(2).mean(-1, keepdim=True)
        return weight * (x * torch.rsqrt(v + s["rms_eps"]))

    h = embeds
    for i in range(s["layers"]):
        p = f"model.layers.{i}."
        x = rms(h, w[p + "input_layernorm.weight"])
        q = F.linear(x, w[p + "self_attn.q_proj.weight"]).view(1, t, heads, dim).transpose(1, 2)
        k = F.linear(x, w[p + "self_attn.k_proj.weight"]).view(1, t, kv, dim).transpose(1, 2)
        v = F.linear(x, w[p + "self_attn.v_proj.weight"]).view(1, t, kv, dim).transpose(1, 2)
        q, k = q * cos + rot(q) * sin, k * cos + rot(k) * sin
        k, v = k.repeat_interleave(heads // kv, 1), v.repeat_interleave(heads // kv, 1)
        a = torch.softmax(q @ k.transpose(2, 3) / math.sqrt(dim) + mask, -1, dtype=torch.float32) @ v
        h = h + F.linear(a.transpose(1, 2).reshape(1, t, -1), w[p + "self_attn.o_proj.weight"])
        x = rms(h, w[p + "post_attention_layernorm.weight"])
        h = h + F.linear(F.silu(F.linear(x, w[p + "mlp.gate_proj.weight"])) * F.linear(x, w[p + "mlp.up_proj.weight"]),
                         w[p + "mlp.down_proj.weight"])
    return F.linear(rms(h, w["model.norm.weight"]), w["lm_head.weight"]).float()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tokenizer", required=True)
    args = parser.parse_args()
    torch.set_grad_enabled(False)
    sp = spm.SentencePieceProcessor(model_file=args.tokenizer)
    w = tiny_weights()
    try:
        import transformers
        implementation = "transformers " + transformers.__version__
    except ImportError:
        implementation = "plain PyTorch following transformers' eager code"
    cases = [reference_case(sp, w, *case) for case in CASES]
    path = os.path.join(os.path.dirname(__file__), "..", "tests", "data", "tiny_geochat_golden.json")
    with open(path, "w") as f:
        json.dump({"reference": implementation + ", torch " + torch.__version__, "input_size": INPUT_SIZE,
                   "cases": cases}, f, indent=1)
        f.write("\n")


def reference_case(sp, w, question, history, image, steps):
    """Prompt ids, greedy tokens, their log-probabilities and top-2 margins for one case."""
    iw, ih, seed = image
    prompt_ids = tokenizer_image_token(sp, conversation(question, history))
    features = clip_features(w, preprocess(synthetic_image(iw, ih, seed)))
    features = F.linear(F.gelu(F.linear(features, w["model.mm_projector.0.weight"], w["model.mm_projector.0.bias"])),
                        w["model.mm_projector.2.weight"], w["model.mm_projector.2.bias"])
    slot = prompt_ids.index(-200)
    embed = lambda ids: F.embedding(torch.tensor(ids, dtype=torch.long), w["model.embed_tokens.weight"])[None]
    generated, logprobs, margins = [], [], []
    for _ in range(steps):
        embeds = torch.cat([embed(prompt_ids[:slot]), features, embed(prompt_ids[slot + 1:] + generated)], 1)
        lp = torch.log_softmax(llama_logits(w, embeds)[0, -1], -1)
        top = torch.topk(lp, 2)
        token = int(top.indices[0])
        margins.append(float(top.values[0] - top.values[1]))
        logprobs.append(float(lp[token]))
        if token == 2:
            break
        generated.append(token)
    return {"question": question, "history": [list(t) for t in history],
            "image": {"width": iw, "height": ih, "seed": seed}, "max_new_tokens": steps,
            "prompt_ids": prompt_ids, "tokens": generated, "logprobs": logprobs, "margins": margins}


if __name__ == "__main__":
    main()
