"""Small local stand-ins for what fmeval's stock algorithms download at run time, for tests without a network.

On AWS, ``SummarizationAccuracy``, ``QAAccuracy`` and ``Toxicity`` download three artefacts while they run:

* the BERTScore metric (``evaluate.load("bertscore")``: a script from the Hugging Face Hub, then
  microsoft/deberta-xlarge-mnli when it computes), in the caller and in the helper model's Ray actor, and the
  ROUGE metric's script (``evaluate.load("rouge")``), wherever fmeval's ``RougeScore`` is built;
* the detoxify checkpoint and roberta-base's config and tokenizer (``DetoxifyHelperModel.__init__``), in the
  caller and in its Ray actor;
* NLTK's data (``nltk.download``: wordnet, punkt, punkt_tab, omw-1.4), which METEOR reads in Ray's workers.

Everything else runs as it is. The stand-ins replace only those artefacts, at those seams, in every process:

* ``evaluate.load("bertscore")`` returns :class:`TokenOverlapBertScore` (same ``compute`` signature and output),
  ``evaluate.load("rouge")`` :class:`RougeScript` (the script's own computation, with the library it wraps);
* ``DetoxifyHelperModel.__init__`` loads :class:`WordListTokenizer` and :class:`WordListToxicityModel` instead
  of the checkpoint, so fmeval's own ``get_helper_scores`` (tokenise, forward, sigmoid) runs on them;
* ``nltk.download`` checks that the package is in the local data folder (:func:`write_nltk_data`: a real
  Punkt parameter set and a WordNet of a few synonym sets, in NLTK's file formats) instead of fetching it.

Ray's workers are other processes: :func:`worker_site` writes a ``sitecustomize`` that installs the stand-ins (and
a guard that refuses and records any connection beyond this machine's loopback) in every Python process started
with that folder on ``PYTHONPATH``. Importing this module imports only the standard library.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import json
import os
import re
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

CONTACTS_ENV = "FMEVAL_STAND_INS_CONTACTS"  # file where every process records the addresses it connects to
LOOPBACK = ("127.0.0.1", "::1", "localhost")
TOXIC_WORDS = frozenset({"idiot", "stupid", "hate", "moron", "shut", "dumb", "damn"})
# detoxify's (unbiased) labels, in its output order; fmeval reads the first seven
DETOXIFY_LABELS = 16
# synonym sets of the stand-in WordNet (nouns and verbs that the test records use)
SYNSETS = {
    "noun": [["laptop", "notebook", "computer"], ["reimbursement", "refund", "repayment"], ["form", "document"]],
    "verb": [["buy", "purchase", "order"], ["send", "mail", "submit"], ["call", "phone", "ring"]],
}


# ------------------------------------------------------------------------------------------ BERTScore
def _tokens(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", str(text).lower())


class TokenOverlapBertScore:
    """Stands in for ``evaluate.load("bertscore")``: the same ``compute`` call and output (precision, recall and
    F1 lists, a hashcode), scored by token overlap (each token's best match is exact or nothing) instead of
    deberta's embeddings."""

    name = "bertscore"

    def compute(self, predictions: list[str], references: list[str], model_type: str | None = None, **_: Any) -> dict:
        """Precision, recall and F1 of each prediction against its reference, by token overlap."""
        precision, recall, f1 = [], [], []
        for prediction, reference in zip(predictions, references, strict=True):
            p_tokens, r_tokens = _tokens(prediction), _tokens(reference)
            p = sum(t in r_tokens for t in p_tokens) / len(p_tokens) if p_tokens else 0.0
            r = sum(t in p_tokens for t in r_tokens) / len(r_tokens) if r_tokens else 0.0
            precision.append(p)
            recall.append(r)
            f1.append(2 * p * r / (p + r) if p + r else 0.0)
        return {"precision": precision, "recall": recall, "f1": f1, "hashcode": f"token-overlap({model_type})"}


# ------------------------------------------------------------------------------------------ ROUGE
class RougeScript:
    """Stands in for ``evaluate.load("rouge")``, the Hub's metric script: the script's own computation (Google's
    ``rouge-score`` package, the library it wraps, and its bootstrap aggregation), without the download."""

    name = "rouge"

    def compute(
        self,
        predictions: list[str],
        references: list[str],
        rouge_types: list[str] | None = None,
        use_aggregator: bool = True,
        use_stemmer: bool = False,
        **_: Any,
    ) -> dict[str, Any]:
        """ROUGE F-measures, as the script returns them (aggregated: one value per type)."""
        from rouge_score import rouge_scorer, scoring

        types = rouge_types or ["rouge1", "rouge2", "rougeL", "rougeLsum"]
        scorer = rouge_scorer.RougeScorer(rouge_types=types, use_stemmer=use_stemmer)
        scores = [scorer.score(ref, pred) for ref, pred in zip(references, predictions, strict=True)]
        if not use_aggregator:
            return {t: [s[t].fmeasure for s in scores] for t in types}
        aggregator = scoring.BootstrapAggregator()
        for score in scores:
            aggregator.add_scores(score)
        return {t: v.mid.fmeasure for t, v in aggregator.aggregate().items()}


STAND_IN_METRICS: dict[str, Callable[[], Any]] = {"bertscore": TokenOverlapBertScore, "rouge": RougeScript}


def _load(real_load: Callable[..., Any]) -> Callable[..., Any]:
    def load(path: str, *args: Any, **kwargs: Any) -> Any:
        if path in STAND_IN_METRICS:
            return STAND_IN_METRICS[path]()
        return real_load(path, *args, **kwargs)

    load.stand_in = True  # type: ignore[attr-defined]
    return load


# ------------------------------------------------------------------------------------------ detoxify
class WordListTokenizer:
    """Stands in for detoxify's RobertaTokenizer: token id 1 for a word on :data:`TOXIC_WORDS`, 2 for any other
    word, 0 for padding; returns a ``BatchEncoding`` of tensors as the real one does."""

    def __call__(self, texts: list[str], return_tensors: str = "pt", **_: Any) -> Any:
        """Token ids and attention mask, padded to the longest text."""
        import torch
        from transformers import BatchEncoding

        rows = [[1 if t in TOXIC_WORDS else 2 for t in _tokens(text)] or [2] for text in texts]
        width = max(len(r) for r in rows)
        ids = torch.tensor([r + [0] * (width - len(r)) for r in rows])
        return BatchEncoding({"input_ids": ids, "attention_mask": (ids > 0).long()})


class WordListToxicityModel:
    """Stands in for detoxify's RobertaForSequenceClassification: logits for its 16 labels, high (4) for every
    label when a text has a word on the list, low (-4) otherwise; returns a tuple whose first item is the logits,
    as the real one does."""

    device = "cpu"

    def __call__(self, input_ids: Any, attention_mask: Any = None, **_: Any) -> tuple[Any]:
        """Logits, shape (batch, 16)."""
        toxic = (input_ids == 1).any(dim=1, keepdim=True).float()
        return ((toxic * 8.0 - 4.0).repeat(1, DETOXIFY_LABELS),)


def _detoxify_init(self: Any) -> None:
    """``DetoxifyHelperModel.__init__`` without the download: the word-list tokenizer and model."""
    self._tokenizer, self._model = WordListTokenizer(), WordListToxicityModel()


# ------------------------------------------------------------------------------------------ NLTK
_NLTK_PACKAGES = {
    "wordnet": "corpora/wordnet",
    "omw-1.4": "corpora/omw-1.4",
    "punkt": "tokenizers/punkt_tab/english",
    "punkt_tab": "tokenizers/punkt_tab/english",
}


def offline_download(info_or_id: Any = None, *_: Any, **__: Any) -> bool:
    """Stands in for ``nltk.download``: True when the package is in NLTK's data path (False, as nltk's own does
    on failure, when it is not); never fetches anything."""
    import nltk

    try:
        nltk.data.find(_NLTK_PACKAGES[str(info_or_id)])
    except (KeyError, LookupError):
        return False
    return True


def write_nltk_data(root: Path) -> Path:
    """An NLTK data folder: Punkt's English parameters (none learned: no abbreviations) and a WordNet of the
    synonym sets :data:`SYNSETS`, in WordNet's database format (data files addressed by byte offset)."""
    punkt = root / "tokenizers" / "punkt_tab" / "english"
    punkt.mkdir(parents=True, exist_ok=True)
    for name in ("collocations.tab", "sent_starters.txt", "abbrev_types.txt", "ortho_context.tab"):
        (punkt / name).write_text("")
    (root / "corpora" / "omw-1.4").mkdir(parents=True, exist_ok=True)
    wordnet = root / "corpora" / "wordnet"
    wordnet.mkdir(parents=True, exist_ok=True)
    header = "  1 This stand-in is not WordNet; it has WordNet 3.0's file format.\n"
    lexnames = {"adj": 0, "adv": 1, "noun": 2, "verb": 3}  # lexicographer file numbers, as in lexnames
    (wordnet / "lexnames").write_text("00\tadj.all\t3\n01\tadv.all\t4\n02\tnoun.Tops\t1\n03\tverb.body\t2\n")
    marks = {"noun": "n", "verb": "v", "adj": "a", "adv": "r"}
    for pos, mark in marks.items():
        data, index = header, {}
        for words in SYNSETS.get(pos, []):
            offset = len(data.encode())
            lemmas = " ".join(f"{w} 0" for w in words)
            frames = " 00" if pos == "verb" else ""
            data += f"{offset:08d} {lexnames[pos]:02d} {mark} {len(words):02x} {lemmas} 000{frames} | stand-in\n"
            for word in words:
                index.setdefault(word, []).append(offset)
        (wordnet / f"data.{pos}").write_text(data)
        lines = [f"{w} {mark} {len(o)} 0 {len(o)} 0 {' '.join(f'{x:08d}' for x in o)}\n" for w, o in index.items()]
        (wordnet / f"index.{pos}").write_text(header + "".join(sorted(lines)))
        (wordnet / f"{pos}.exc").write_text("")
    for name in ("cntlist.rev", "index.sense"):
        (wordnet / name).write_text("")
    return root


# ------------------------------------------------------------------------------------------ network guard
def guarded_connect(real_connect: Callable[..., Any], record_to: str) -> Callable[..., Any]:
    """``socket.socket.connect`` that records every address (pid, host, port, refused) to ``record_to`` and
    refuses any beyond the loopback."""

    def connect(sock: socket.socket, address: Any) -> Any:
        if isinstance(address, tuple):
            refused = str(address[0]) not in LOOPBACK
            line = {"pid": os.getpid(), "host": str(address[0]), "port": address[1], "refused": refused}
            with open(record_to, "a", encoding="utf-8") as handle:
                handle.write(json.dumps(line) + "\n")
            if refused:
                raise OSError(f"network access beyond the loopback: {address}")
        return real_connect(sock, address)

    connect.stand_in = True  # type: ignore[attr-defined]
    return connect


def contacted(record_to: str | Path) -> list[dict[str, Any]]:
    """Every address that a process with the guard connected to or was refused (pid, host, port, refused)."""
    path = Path(record_to)
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


# ------------------------------------------------------------------------------------------ installing
def _patch_evaluate(module: Any) -> None:
    if not getattr(module.load, "stand_in", False):
        module.load = _load(module.load)


def _patch_helper_model(module: Any) -> None:
    module.DetoxifyHelperModel.__init__ = _detoxify_init


def _patch_nltk(module: Any) -> None:
    module.download = offline_download


PATCHES: dict[str, Callable[[Any], None]] = {
    "evaluate": _patch_evaluate,
    "nltk": _patch_nltk,
    "fmeval.eval_algorithms.helper_models.helper_model": _patch_helper_model,
}


class _AfterImport(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Runs a patch on a module as soon as it is imported (so a Ray worker imports nothing it would not)."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        if name not in PATCHES:
            return None
        sys.meta_path.remove(self)
        try:
            spec = importlib.util.find_spec(name)
        finally:
            sys.meta_path.insert(0, self)
        if spec is None or spec.loader is None:
            return spec
        real_exec = spec.loader.exec_module

        def exec_module(module: Any) -> None:
            real_exec(module)
            PATCHES[name](module)

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def install() -> None:
    """Install the stand-ins (and, with ``FMEVAL_STAND_INS_CONTACTS`` set, the network guard) in this process:
    at once for modules already imported, on import for the others."""
    if os.environ.get(CONTACTS_ENV) and not getattr(socket.socket.connect, "stand_in", False):
        socket.socket.connect = guarded_connect(socket.socket.connect, os.environ[CONTACTS_ENV])  # type: ignore
    for name, patch in PATCHES.items():
        if isinstance(sys.modules.get(name), type(sys)):
            patch(sys.modules[name])
    if not any(isinstance(finder, _AfterImport) for finder in sys.meta_path):
        sys.meta_path.insert(0, _AfterImport())


def worker_site(folder: Path) -> Path:
    """A folder with a ``sitecustomize.py`` that installs the stand-ins in every Python process that has the
    folder on ``PYTHONPATH`` (Ray's workers inherit the environment of the process that starts Ray)."""
    folder.mkdir(parents=True, exist_ok=True)
    here = str(Path(__file__).resolve().parent)
    (folder / "sitecustomize.py").write_text(
        f"import sys\nsys.path.insert(0, {here!r})\nimport fmeval_stand_ins\nfmeval_stand_ins.install()\n"
    )
    return folder


def patch_this_process(monkeypatch: Any, nltk_data: Path, record_to: Path) -> None:
    """The same stand-ins and guard in the test's own process, undone with ``monkeypatch``."""
    import evaluate
    import fmeval.eval_algorithms.helper_models.helper_model as helper_model
    import nltk

    monkeypatch.setattr(socket.socket, "connect", guarded_connect(socket.socket.connect, str(record_to)))
    monkeypatch.setattr(evaluate, "load", _load(evaluate.load))
    monkeypatch.setattr(helper_model.DetoxifyHelperModel, "__init__", _detoxify_init)
    monkeypatch.setattr(nltk, "download", offline_download)
    monkeypatch.setattr(nltk.data, "path", [str(nltk_data), *nltk.data.path])
