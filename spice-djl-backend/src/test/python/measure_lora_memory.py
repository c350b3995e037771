"""Measures on a GPU what one LoRA training step of a Qwen3-4B-shaped model takes, to check the
arithmetic of spice-djl-backend/README.md's memory plan against PyTorch (the engine under DJL).

Random-init weights with Qwen3-4B's shapes (no download), PEFT LoRA on all seven projections,
float32 adapters and AdamW state, eager attention (like this backend: the attention probabilities
are materialised); the loss is the clipped policy-gradient loss over every token's log-prob from a
float32 log-softmax. Prints one JSON line per setting: peak and resident memory after loading,
after the forward and after the backward and optimizer step, and the step time.

    python3 measure_lora_memory.py OUT.json [dtype:micro_batch:seq:rank:attn ...]
"""
import gc
import json
import sys
import time

import peft
import torch
import transformers

CFG = dict(vocab_size=151936, hidden_size=2560, intermediate_size=9728, num_hidden_layers=36,
           num_attention_heads=32, num_key_value_heads=8, head_dim=128, tie_word_embeddings=True,
           max_position_embeddings=40960, rms_norm_eps=1e-6, use_sliding_window=False)
ALL = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
GB = 1e9


def mem():
    return {"allocated_gb": round(torch.cuda.memory_allocated() / GB, 3),
            "peak_gb": round(torch.cuda.max_memory_allocated() / GB, 3)}


def one(dtype, micro_batch, seq, rank, attn):
    torch.cuda.empty_cache()
    torch.cuda.reset_peak_memory_stats()
    torch.manual_seed(0)
    cfg = transformers.Qwen3Config(**CFG)
    cfg._attn_implementation = attn
    t0 = time.time()
    torch.set_default_dtype(dtype)
    with torch.device("cuda"):
        model = transformers.Qwen3ForCausalLM(cfg)
    torch.set_default_dtype(torch.float32)
    params = sum(p.numel() for p in model.parameters())
    pm = peft.get_peft_model(model, peft.LoraConfig(r=rank, lora_alpha=2 * rank, target_modules=ALL,
                                                     lora_dropout=0.0, task_type="CAUSAL_LM"))
    trainable = [p for p in pm.parameters() if p.requires_grad]
    for p in trainable:
        p.data = p.data.float()
    opt = torch.optim.AdamW(trainable, lr=1e-5)
    out = {"base_dtype": str(dtype), "micro_batch": micro_batch, "seq": seq, "rank": rank, "attn": attn,
           "parameters": params, "adapter_parameters": sum(p.numel() for p in trainable),
           "build_s": round(time.time() - t0, 1), "loaded": mem()}
    ids = torch.randint(0, CFG["vocab_size"], (micro_batch, seq), device="cuda")
    adv = torch.randn(micro_batch, 1, device="cuda")
    torch.cuda.synchronize()
    times = []
    for step in range(2):
        torch.cuda.reset_peak_memory_stats()
        t0 = time.time()
        logits = pm(input_ids=ids).logits
        lp = torch.log_softmax(logits.float(), -1)[:, :-1].gather(2, ids[:, 1:].unsqueeze(2)).squeeze(2)
        old = lp.detach()
        ratio = torch.exp(lp - old)
        loss = -torch.minimum(ratio * adv, torch.clamp(ratio, 0.8, 1.28) * adv).sum() / 8
        torch.cuda.synchronize()
        out["forward"] = mem()
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)
        torch.cuda.synchronize()
        times.append(time.time() - t0)
        out["step"] = mem()
        del logits, lp, old, ratio, loss
    out["step_s"] = [round(t, 3) for t in times]
    del pm, model, opt, trainable
    gc.collect()
    torch.cuda.empty_cache()
    return out


def main():
    print(json.dumps({"gpu": torch.cuda.get_device_name(0), "torch": torch.__version__,
                      "transformers": transformers.__version__, "peft": peft.__version__}), flush=True)
    results = []
    # settings "dtype:micro_batch:seq:rank:attn" after OUT.json; by default the float32 runs that
    # match this backend (float32 activations whatever the base type) and a bf16 pair for contrast
    given = sys.argv[2:] or ["float32:1:1024:16:eager", "float32:2:1024:16:eager", "float32:3:1024:16:eager",
                             "float32:1:2048:16:eager", "bfloat16:4:1024:16:eager", "bfloat16:4:1024:16:sdpa"]
    for spec in given:
        name, mb, seq, rank, attn = spec.split(":")
        dtype, mb, seq, rank = getattr(torch, name), int(mb), int(seq), int(rank)
        try:
            r = one(dtype, mb, seq, rank, attn)
        except torch.OutOfMemoryError as e:
            r = {"base_dtype": str(dtype), "micro_batch": mb, "seq": seq, "rank": rank, "attn": attn,
                 "error": "out of memory: " + str(e)[:200]}
            gc.collect()
            torch.cuda.empty_cache()
        print(json.dumps(r), flush=True)
        results.append(r)
    with open(sys.argv[1], "w") as f:
        json.dump(results, f, indent=1)


main()
