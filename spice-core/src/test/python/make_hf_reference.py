"""Makes the Hugging Face reference files (dev.spice.core.testing.HfReference) that the DJL and ONNX
backends compare themselves with (HfReferenceTest in each backend).

Run once on a machine with torch and transformers (no network needed):
    python3 make_hf_reference.py OUT_DIR
It writes one folder per architecture under OUT_DIR: config.json and model.safetensors (a
random-init float32 checkpoint, saved by transformers), reference.json (token ids, advantages,
old-log-prob shifts, float64 log-probs, greedy continuation) and gradients.safetensors (float64
gradients of the clipped policy-gradient loss w.r.t. every parameter, clipping inactive and
active). Everything is computed in float64 by transformers' own modelling code, independently of
the Java implementation.
"""
import inspect
import json
import os
import sys
import traceback

import torch
import transformers
from safetensors.torch import save_file

OUT = sys.argv[1]
torch.manual_seed(20261127)

VOCAB = 44
# (prompt, completion, advantage): samples 0 and 1 share a prompt (the shared-prompt path of the
# teacher-forced pass), 2 and 3 are shorter (left padding), 3 has a one-token completion.
SAMPLES = [
    ([5, 6, 7, 8, 9, 10], [11, 12, 13, 2], 1.0),
    ([5, 6, 7, 8, 9, 10], [14, 15], -0.5),
    ([20, 21, 22], [23, 24, 25, 26, 27], 0.7),
    ([30], [31], -1.2),
]
WEIGHT = 1.0 / 8  # Dr. GRPO constant normaliser 8
CLIP_LOW, CLIP_HIGH = 0.2, 0.28
SHIFTS = [-1.0, 0.0, 1.0]  # old = logp + shift, cycled over all completion tokens: ratio e, 1, 1/e
GREEDY_PROMPT = [5, 6, 7, 8, 9, 10]
GREEDY_STEPS = 8


def rope(cls, theta, scaling=None):
    # transformers 5 keeps rope_theta and the scaling in one rope_parameters dict; 4.x had two keys.
    if "rope_parameters" in inspect.signature(cls.__init__).parameters:
        params = {"rope_type": "default", "rope_theta": theta}
        params.update(scaling or {})
        return {"rope_parameters": params}
    out = {"rope_theta": theta}
    if scaling:
        out["rope_scaling"] = scaling
    return out


def common(tied):
    return dict(vocab_size=VOCAB, max_position_embeddings=256, tie_word_embeddings=tied,
                bos_token_id=None, eos_token_id=None, pad_token_id=None)


def make(name):
    if name == "llama3-scaled-untied":
        cfg = transformers.LlamaConfig(
            hidden_size=32, intermediate_size=48, num_hidden_layers=2, num_attention_heads=4,
            num_key_value_heads=1, head_dim=8, rms_norm_eps=1e-5,
            **rope(transformers.LlamaConfig, 500000.0,
                   {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
                    "high_freq_factor": 4.0, "original_max_position_embeddings": 64}),
            **common(False))
        return transformers.LlamaForCausalLM, cfg
    if name == "llama-tied":
        cfg = transformers.LlamaConfig(
            hidden_size=32, intermediate_size=48, num_hidden_layers=2, num_attention_heads=4,
            num_key_value_heads=2, head_dim=8, rms_norm_eps=1e-5,
            **rope(transformers.LlamaConfig, 10000.0), **common(True))
        return transformers.LlamaForCausalLM, cfg
    if name == "qwen2-tied":
        cfg = transformers.Qwen2Config(
            hidden_size=24, intermediate_size=40, num_hidden_layers=2, num_attention_heads=2,
            num_key_value_heads=2, rms_norm_eps=1e-6, use_sliding_window=False,
            **rope(transformers.Qwen2Config, 1000000.0), **common(True))
        return transformers.Qwen2ForCausalLM, cfg
    if name in ("qwen3-tied", "qwen3-untied"):
        cfg = transformers.Qwen3Config(
            hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4,
            num_key_value_heads=2, head_dim=8, rms_norm_eps=1e-6, use_sliding_window=False,
            **rope(transformers.Qwen3Config, 1000000.0), **common(name == "qwen3-tied"))
        return transformers.Qwen3ForCausalLM, cfg
    raise ValueError(name)


def randomise(model):
    # Larger than the usual 0.02 so the loss is far from linear; norms and biases away from 1 and 0.
    with torch.no_grad():
        for n, p in model.named_parameters():
            if n.endswith("norm.weight"):
                p.copy_(1.0 + 0.3 * torch.randn_like(p))
            elif n.endswith(".bias"):
                p.copy_(0.3 * torch.randn_like(p))
            else:
                p.copy_(0.25 * torch.randn_like(p))


def token_logprobs(model, prompt, completion):
    ids = torch.tensor([prompt + completion])
    logits = model(input_ids=ids).logits[0].double()
    lp = torch.log_softmax(logits, -1)
    p = len(prompt)
    rows = lp[p - 1: p - 1 + len(completion)]
    return rows.gather(1, torch.tensor(completion).unsqueeze(1)).squeeze(1)


def loss_and_grads(model, olds):
    model.zero_grad(set_to_none=True)
    total = 0.0
    for (prompt, completion, adv), old in zip(SAMPLES, olds):
        lp = token_logprobs(model, prompt, completion)
        ratio = torch.exp(lp - old)
        term = torch.minimum(ratio * adv, torch.clamp(ratio, 1 - CLIP_LOW, 1 + CLIP_HIGH) * adv)
        total = total - (term * WEIGHT).sum()
    total.backward()
    grads = {}
    for n, p in model.named_parameters():
        grads[n] = p.grad.detach().clone()
    return total.item(), grads


def main():
    names = ["llama3-scaled-untied", "llama-tied", "qwen2-tied", "qwen3-tied", "qwen3-untied"]
    for name in names:
        try:
            one(name)
        except Exception:
            traceback.print_exc()


def one(name):
    if True:
        cls, cfg = make(name)
        model = cls(cfg).float()
        randomise(model)
        d = os.path.join(OUT, name)
        model.save_pretrained(d, safe_serialization=True)
        # float64 copy for the reference numbers (the saved float32 weights are exact in float64)
        try:
            m64 = cls.from_pretrained(d, attn_implementation="eager", dtype=torch.float64)
        except TypeError:
            m64 = cls.from_pretrained(d, attn_implementation="eager", torch_dtype=torch.float64)
        m64 = m64.double()
        inv = [b for n, b in m64.named_buffers() if n.endswith("inv_freq")]
        print(name, "inv_freq", [x.tolist() for x in inv[:1]])
        m64.eval()
        with torch.no_grad():
            lps = [token_logprobs(m64, p, c) for p, c, _ in SAMPLES]
        k = 0
        shifts = []
        for p, c, _ in SAMPLES:
            s = []
            for _ in c:
                s.append(SHIFTS[k % len(SHIFTS)])
                k += 1
            shifts.append(s)
        grads = {}
        loss_noclip, g0 = loss_and_grads(m64, [lp.detach() for lp in lps])
        loss_clip, g1 = loss_and_grads(m64, [lp.detach() + torch.tensor(s, dtype=torch.float64)
                                             for lp, s in zip(lps, shifts)])
        for n, g in g0.items():
            grads["noclip." + n] = g.contiguous()
        for n, g in g1.items():
            grads["clip." + n] = g.contiguous()
        save_file(grads, os.path.join(d, "gradients.safetensors"))
        # greedy continuation with its log-probs (full recompute each step: no cache involved)
        seq = list(GREEDY_PROMPT)
        greedy, greedy_lp = [], []
        with torch.no_grad():
            for _ in range(GREEDY_STEPS):
                lp = torch.log_softmax(m64(input_ids=torch.tensor([seq])).logits[0, -1].double(), -1)
                t = int(torch.argmax(lp))
                greedy.append(t)
                greedy_lp.append(lp[t].item())
                seq.append(t)
        ref = {
            "name": name,
            "torch": torch.__version__,
            "transformers": transformers.__version__,
            "weight": WEIGHT,
            "clip_low": CLIP_LOW,
            "clip_high": CLIP_HIGH,
            "samples": [{"prompt": p, "completion": c, "advantage": a, "logprobs": lp.tolist(),
                         "old_shift": s}
                        for (p, c, a), lp, s in zip(SAMPLES, lps, shifts)],
            "loss_noclip": loss_noclip,
            "loss_clip": loss_clip,
            "greedy_prompt": GREEDY_PROMPT,
            "greedy": greedy,
            "greedy_logprobs": greedy_lp,
        }
        with open(os.path.join(d, "reference.json"), "w") as f:
            json.dump(ref, f, indent=1)
        with open(os.path.join(d, "config.json")) as f:
            print(name, "params", sum(p.numel() for p in model.parameters()), "loss", loss_noclip,
                  loss_clip, "greedy", greedy, "config", json.dumps(json.load(f), sort_keys=True))


main()
