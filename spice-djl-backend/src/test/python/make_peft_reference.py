"""Makes the PEFT reference files that spice-djl-backend's PeftReferenceTest compares the DJL
backend's LoRA with, in both directions:

1. PEFT writes: for two of spice-core's Hugging Face reference models (hf-reference/, made by
   make_hf_reference.py), PEFT itself builds a LoRA adapter with random A and B, saves it with
   save_pretrained (its own adapter_config.json and adapter_model.safetensors), and computes in
   float64, with its own modelling code: the log-probs of the reference samples, the gradient of
   the clipped policy-gradient loss with respect to every lora_A / lora_B (clipping inactive and
   active), a greedy continuation, and the log-probs after merge_and_unload.
2. PEFT reads: an adapter written by this backend's saveAdapter (JAVA_ADAPTERS/<model>/, made by
   PeftReferenceTest#writeJavaAdapters) is loaded with PeftModel.from_pretrained; the script
   checks that every tensor in the file landed in a LoRA parameter and every LoRA parameter came
   from the file, and records PEFT's parsed config and its float64 log-probs.

Run once on a machine with torch, transformers and peft (no network needed):
    python3 make_peft_reference.py HF_REFERENCE_DIR JAVA_ADAPTERS_DIR OUT_DIR
"""
import json
import os
import sys

import peft
import torch
import transformers
from safetensors.torch import load_file, save_file

HF, JAVA, OUT = sys.argv[1], sys.argv[2], sys.argv[3]
torch.manual_seed(20261128)

SAMPLES = [
    ([5, 6, 7, 8, 9, 10], [11, 12, 13, 2], 1.0),
    ([5, 6, 7, 8, 9, 10], [14, 15], -0.5),
    ([20, 21, 22], [23, 24, 25, 26, 27], 0.7),
    ([30], [31], -1.2),
]
WEIGHT = 1.0 / 8
CLIP_LOW, CLIP_HIGH = 0.2, 0.28
SHIFTS = [-1.0, 0.0, 1.0]
GREEDY_PROMPT = [5, 6, 7, 8, 9, 10]
GREEDY_STEPS = 8
ALL = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
# model -> (rank, alpha, target modules, lora_dropout); dropout does not act in eval mode and the
# backend trains without it, but real adapters (TRL's default 0.05) carry it.
ADAPTERS = {
    "qwen3-tied": (4, 8, ALL, 0.05),
    "llama3-scaled-untied": (2, 16, ["q_proj", "v_proj", "down_proj"], 0.0),
}


def cls_of(name):
    return transformers.Qwen3ForCausalLM if name.startswith("qwen3") else transformers.LlamaForCausalLM


def load_base(name, dtype):
    try:
        m = cls_of(name).from_pretrained(os.path.join(HF, name), attn_implementation="eager", dtype=dtype)
    except TypeError:
        m = cls_of(name).from_pretrained(os.path.join(HF, name), attn_implementation="eager", torch_dtype=dtype)
    return m.to(dtype).eval()


def token_logprobs(model, prompt, completion):
    ids = torch.tensor([prompt + completion])
    logits = model(input_ids=ids).logits[0].double()
    lp = torch.log_softmax(logits, -1)
    p = len(prompt)
    rows = lp[p - 1: p - 1 + len(completion)]
    return rows.gather(1, torch.tensor(completion).unsqueeze(1)).squeeze(1)


def file_name(param_name):
    # PEFT's parameter "...q_proj.lora_A.default.weight" is saved as "...q_proj.lora_A.weight"
    return param_name.replace(".default.", ".")


def lora_params(model):
    return {file_name(n): p for n, p in model.named_parameters() if ".lora_A." in n or ".lora_B." in n}


def loss_and_grads(model, olds):
    model.zero_grad(set_to_none=True)
    total = 0.0
    for (prompt, completion, adv), old in zip(SAMPLES, olds):
        lp = token_logprobs(model, prompt, completion)
        ratio = torch.exp(lp - old)
        term = torch.minimum(ratio * adv, torch.clamp(ratio, 1 - CLIP_LOW, 1 + CLIP_HIGH) * adv)
        total = total - (term * WEIGHT).sum()
    total.backward()
    return total.item(), {n: p.grad.detach().clone().contiguous() for n, p in lora_params(model).items()}


def shifts():
    out, k = [], 0
    for _, c, _ in SAMPLES:
        s = []
        for _ in c:
            s.append(SHIFTS[k % len(SHIFTS)])
            k += 1
        out.append(s)
    return out


def peft_writes(name):
    r, alpha, targets, dropout = ADAPTERS[name]
    d = os.path.join(OUT, name)
    base = load_base(name, torch.float32)
    cfg = peft.LoraConfig(r=r, lora_alpha=alpha, target_modules=targets, lora_dropout=dropout, bias="none",
                          task_type="CAUSAL_LM")
    pm = peft.get_peft_model(base, cfg)
    with torch.no_grad():
        for n, p in lora_params(pm).items():
            p.copy_(0.3 * torch.randn_like(p))
    pm.save_pretrained(d, safe_serialization=True)
    # float64 reference computed from the saved files, read back by PEFT (float32 values exact in float64)
    m64 = peft.PeftModel.from_pretrained(load_base(name, torch.float64), d, is_trainable=True).double()
    m64.eval()
    saved = load_file(os.path.join(d, "adapter_model.safetensors"))
    params = lora_params(m64)
    assert sorted(saved) == sorted(params), (sorted(saved), sorted(params))
    for n, t in saved.items():
        assert torch.equal(t.double(), params[n].detach()), n
    with torch.no_grad():
        lps = [token_logprobs(m64, p, c) for p, c, _ in SAMPLES]
    sh = shifts()
    loss_noclip, g0 = loss_and_grads(m64, [lp.detach() for lp in lps])
    loss_clip, g1 = loss_and_grads(m64, [lp.detach() + torch.tensor(s, dtype=torch.float64)
                                         for lp, s in zip(lps, sh)])
    grads = {"noclip." + n: g for n, g in g0.items()}
    grads.update({"clip." + n: g for n, g in g1.items()})
    save_file(grads, os.path.join(d, "gradients.safetensors"))
    seq, greedy, greedy_lp = list(GREEDY_PROMPT), [], []
    with torch.no_grad():
        for _ in range(GREEDY_STEPS):
            lp = torch.log_softmax(m64(input_ids=torch.tensor([seq])).logits[0, -1].double(), -1)
            t = int(torch.argmax(lp))
            greedy.append(t)
            greedy_lp.append(lp[t].item())
            seq.append(t)
        merged = m64.merge_and_unload()
        merged_lps = [token_logprobs(merged, p, c) for p, c, _ in SAMPLES]
    ref = {
        "name": name, "base": "hf-reference/" + name, "torch": torch.__version__,
        "transformers": transformers.__version__, "peft": peft.__version__,
        "r": r, "lora_alpha": alpha, "target_modules": targets, "lora_dropout": dropout,
        "weight": WEIGHT, "clip_low": CLIP_LOW, "clip_high": CLIP_HIGH,
        "samples": [{"prompt": p, "completion": c, "advantage": a, "logprobs": lp.tolist(), "old_shift": s,
                     "merged_logprobs": mlp.tolist()}
                    for (p, c, a), lp, s, mlp in zip(SAMPLES, lps, sh, merged_lps)],
        "loss_noclip": loss_noclip, "loss_clip": loss_clip,
        "greedy_prompt": GREEDY_PROMPT, "greedy": greedy, "greedy_logprobs": greedy_lp,
    }
    with open(os.path.join(d, "reference.json"), "w") as f:
        json.dump(ref, f, indent=1)
    with open(os.path.join(d, "adapter_config.json")) as f:
        print(name, "peft wrote", len(saved), "tensors; loss", loss_noclip, loss_clip, "greedy", greedy,
              "config", f.read().replace("\n", " "))


def peft_reads(name):
    src = os.path.join(JAVA, name)
    cfg = peft.LoraConfig.from_pretrained(src)
    m64 = peft.PeftModel.from_pretrained(load_base(name, torch.float64), src).double().eval()
    saved = load_file(os.path.join(src, "adapter_model.safetensors"))
    params = lora_params(m64)
    missing = sorted(set(params) - set(saved))
    unexpected = sorted(set(saved) - set(params))
    differing = sorted(n for n in set(saved) & set(params) if not torch.equal(saved[n].double(), params[n].detach()))
    with torch.no_grad():
        lps = [token_logprobs(m64, p, c).tolist() for p, c, _ in SAMPLES]
    out = {
        "name": name, "torch": torch.__version__, "transformers": transformers.__version__,
        "peft": peft.__version__, "peft_config": {"r": cfg.r, "lora_alpha": cfg.lora_alpha,
                                                   "target_modules": sorted(cfg.target_modules),
                                                   "lora_dropout": cfg.lora_dropout, "bias": cfg.bias,
                                                   "task_type": str(cfg.task_type)},
        "tensors_in_file": len(saved), "lora_parameters": len(params),
        "missing": missing, "unexpected": unexpected, "differing": differing,
        "samples": [{"prompt": p, "completion": c, "logprobs": lp} for (p, c, _), lp in zip(SAMPLES, lps)],
    }
    with open(os.path.join(src, "peft-read.json"), "w") as f:
        json.dump(out, f, indent=1)
    print(name, "peft read java adapter:", len(saved), "tensors,", len(params), "lora params, missing", missing,
          "unexpected", unexpected, "differing", differing)


def main():
    failures = 0
    for name in ADAPTERS:
        for step in (peft_writes, peft_reads):
            try:
                step(name)
            except Exception:
                import traceback
                traceback.print_exc()
                failures += 1
    sys.exit(1 if failures else 0)


main()
