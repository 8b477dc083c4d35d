"""The reference for the training benchmark: plain ``transformers`` training (its ``Trainer``) with the same recipe
and the same examples as a local training job, in its own process.

    python bench/train_reference.py DATA_DIR STEPS

``DATA_DIR`` holds ``train.jsonl`` and ``template.json`` (the job's training channel). The examples are tokenized
by the job's own script (same chat form, same left trimming, loss on the completion only); the model is the same
GGUF loaded by ``transformers`` in float32 with the same PEFT LoRA; the optimiser, learning rate, schedule, batch
size and bfloat16 autocast are the recipe's. Prints one JSON line: trained tokens, seconds of training, tokens/s
and the process's peak memory.
"""

from __future__ import annotations

import importlib.util
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TQDM_DISABLE", "1")

REPO = Path(__file__).resolve().parents[1]
RECIPE = {"learning_rate": 0.001, "lora_r": 16, "lora_alpha": 32, "max_input_length": 1024, "warmup_ratio": 0.1}


def main(data_dir: str, steps: int) -> None:
    """Train ``steps`` examples, batch 1, and print the measurement."""
    import torch
    import transformers
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM, AutoTokenizer, Trainer, TrainingArguments

    spec = importlib.util.spec_from_file_location(
        "transfer_learning", REPO / "helpers" / "local" / "training_script" / "transfer_learning.py"
    )
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    transformers.logging.set_verbosity_error()
    folder = Path(data_dir)
    template = json.loads((folder / "template.json").read_text())
    rows = [("train.jsonl", i, json.loads(line)) for i, line in enumerate((folder / "train.jsonl").open(), 1)]
    hp = {"chat_dataset": False, "instruction_tuned": True, "add_input_output_demarcation_key": False}
    examples = script.to_examples(rows, hp, template)[:steps]
    source, gguf = script.base_model_source(lambda _message: None)
    tokenizer = AutoTokenizer.from_pretrained(source, gguf_file=gguf)
    pieces = script.encode_all(examples, tokenizer, RECIPE["max_input_length"], "training")
    data = [{"input_ids": ids, "attention_mask": [1] * len(ids), "labels": labels} for ids, labels in pieces]
    model = AutoModelForCausalLM.from_pretrained(source, gguf_file=gguf, dtype=torch.float32)
    targets = script.LLAMA_TARGETS.split(",")
    model = get_peft_model(
        model,
        LoraConfig(r=RECIPE["lora_r"], lora_alpha=RECIPE["lora_alpha"], target_modules=targets, task_type="CAUSAL_LM"),
    )
    args = TrainingArguments(
        output_dir=tempfile.mkdtemp(prefix="bench-train-"),
        per_device_train_batch_size=1,
        learning_rate=RECIPE["learning_rate"],
        warmup_ratio=RECIPE["warmup_ratio"],
        num_train_epochs=1,
        bf16=True,
        use_cpu=True,
        logging_steps=1,
        save_strategy="no",
        report_to=[],
        disable_tqdm=True,
        seed=10,
    )
    trainer = Trainer(model=model, args=args, train_dataset=data)
    started = time.perf_counter()
    trainer.train()
    seconds = time.perf_counter() - started
    tokens = sum(len(row["input_ids"]) for row in data)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"tokens": tokens, "seconds": seconds, "tokens_per_s": tokens / seconds, "peak_mb": peak_mb}))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
