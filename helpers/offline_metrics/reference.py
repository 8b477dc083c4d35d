"""Metrics of the model output against its reference(s): ROUGE and METEOR, with nothing downloaded."""

from __future__ import annotations

from typing import Any

from fmeval.transforms.transform import Transform
from fmeval.transforms.util import validate_call

from .labels import MODEL_OUTPUT, TARGET_OUTPUT


class ReferenceMetric(Transform):
    """A metric of the model output against its reference, as fmeval's ``SummarizationAccuracyMetric`` computes
    it: the best score over the references (``target_output`` may hold several, joined by ``delimiter``)."""

    def __init__(
        self,
        output_key: str,
        target_output_key: str = TARGET_OUTPUT,
        model_output_key: str = MODEL_OUTPUT,
        delimiter: str | None = "<OR>",
        **kwargs: Any,
    ) -> None:
        """Adds ``output_key`` to each record. Every argument is kept (as keywords) for Ray to rebuild the
        transform in its actor, so subclasses pass their own arguments through ``kwargs``."""
        super().__init__(
            output_key=output_key,
            target_output_key=target_output_key,
            model_output_key=model_output_key,
            delimiter=delimiter,
            **kwargs,
        )
        self.register_input_output_keys([target_output_key, model_output_key], [output_key])
        self.output_key, self.target_output_key, self.model_output_key = output_key, target_output_key, model_output_key
        self.delimiter = delimiter

    @validate_call
    def __call__(self, record: dict[str, Any]) -> dict[str, Any]:
        """Score one record."""
        target = str(record[self.target_output_key])
        targets = target.split(self.delimiter) if self.delimiter else [target]
        record[self.output_key] = max(self.compute_metric(t, str(record[self.model_output_key])) for t in targets)
        return record

    def compute_metric(self, target_output: str, model_output: str) -> float:
        """The metric for one reference (subclasses implement it)."""
        raise NotImplementedError


class OfflineRouge(ReferenceMetric):
    """ROUGE F-measure with the ``rouge-score`` package, the library (and settings: default tokenizer, Porter
    stemmer) behind fmeval's ``RougeScore``: same numbers, no Hub download."""

    def __init__(self, output_key: str = "rouge", rouge_type: str = "rouge2", use_stemmer: bool = True, **keys: Any):
        """``rouge_type``: rouge1, rouge2 (fmeval's default), rougeL or rougeLsum."""
        if rouge_type not in ("rouge1", "rouge2", "rougeL", "rougeLsum"):
            raise ValueError(f"rouge_type must be rouge1, rouge2, rougeL or rougeLsum, got {rouge_type!r}.")
        super().__init__(output_key, rouge_type=rouge_type, use_stemmer=use_stemmer, **keys)
        self.rouge_type, self.use_stemmer = rouge_type, use_stemmer
        self._scorer: Any = None

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_scorer": None}  # rebuilt where it runs

    def compute_metric(self, target_output: str, model_output: str) -> float:
        """ROUGE F-measure of ``model_output`` against ``target_output`` (0 to 1)."""
        if self._scorer is None:
            from rouge_score import rouge_scorer

            self._scorer = rouge_scorer.RougeScorer([self.rouge_type], use_stemmer=self.use_stemmer)
        return float(self._scorer.score(target_output, model_output)[self.rouge_type].fmeasure)


class _NoSynonyms:
    """A WordNet reader with no entries: METEOR then matches exact words and stems only."""

    def synsets(self, *_args: Any, **_kwargs: Any) -> list:
        return []


class MeteorNoWordNet(ReferenceMetric):
    """METEOR (NLTK's, as fmeval's ``MeteorScore``) with exact and Porter-stem matches but **no WordNet synonyms**,
    and NLTK's Treebank word tokenizer instead of punkt: nothing is downloaded."""

    def __init__(self, output_key: str = "meteor_no_wordnet", **keys: Any) -> None:
        """Adds ``output_key`` (0 to 1)."""
        super().__init__(output_key, **keys)

    def compute_metric(self, target_output: str, model_output: str) -> float:
        """METEOR of ``model_output`` against ``target_output`` (0 to 1)."""
        from nltk.tokenize import NLTKWordTokenizer
        from nltk.translate.meteor_score import single_meteor_score

        tokenize = NLTKWordTokenizer().tokenize
        return float(single_meteor_score(tokenize(target_output), tokenize(model_output), wordnet=_NoSynonyms()))  # type: ignore[arg-type]
