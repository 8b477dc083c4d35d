"""SmolLM2's OpenVINO model, made once from the shipped GGUF file and cached (``make`` never downloads it).

OpenVINO GenAI reads a GGUF file directly, but two things in what it builds would be wrong for the workshop:

* **Q4_1 zero points are rounded.** A Q4_1 block stores ``w = d * q + m`` (a float scale ``d`` and minimum ``m``
  per 32 weights). OpenVINO's reader expresses that as ``(q - zp) * d`` with ``zp`` a 4-bit *integer*, so
  ``-m / d`` is rounded: up to half a quantisation step of error on every weight (next-token logits correlated
  0.92 with the GGUF's exact weights). We put the exact ``-m / d`` back, as float16, from the GGUF file itself.
* **The projections have no names.** OpenVINO GenAI attaches LoRA adapters by matching PEFT tensor names
  (``base_model.model.model.layers.N.self_attn.q_proj``) to the names of the model's ``MatMul`` operations. We
  name the 210 projections after the layer and the module they implement, found from the graph's structure.

The result (``openvino_model.xml`` / ``.bin``, about 95 MB) lives in ``WORKSHOP_MODEL_CACHE``; making it takes a
few seconds, once.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

log = logging.getLogger("helpers.local.openvino_model")

IR_NAME = "openvino_model.xml"
METADATA = "model.json"  # what the engine needs from the GGUF header, so that loading does not parse the file
# GGUF tensor names of a Llama block's projections, and the PEFT module each one is
PROJECTIONS = {
    "attn_q": "self_attn.q_proj",
    "attn_k": "self_attn.k_proj",
    "attn_v": "self_attn.v_proj",
    "attn_output": "self_attn.o_proj",
    "ffn_gate": "mlp.gate_proj",
    "ffn_up": "mlp.up_proj",
    "ffn_down": "mlp.down_proj",
}
# the residual additions that OpenVINO GenAI's GGUF reader names after their layer
_RESIDUAL = re.compile(r"^model\.layers\.self_attn\.add([01])\.layer(\d+)$")
_Q4_1_BLOCK = 20  # bytes: float16 d, float16 m, 32 four-bit values


class ConversionError(RuntimeError):
    """The GGUF file could not be turned into the cached OpenVINO model."""


def disable_telemetry() -> None:
    """Make sure nothing of OpenVINO's reports usage anywhere. Its only telemetry client is the
    ``openvino_telemetry`` package, which ``import openvino`` loads for its model-conversion tools (they fall back
    to a stub without it); called before OpenVINO is imported, this blocks it for the process."""
    import sys

    if "openvino" not in sys.modules:
        sys.modules.setdefault("openvino_telemetry", None)  # `import openvino_telemetry` now raises ImportError
    elif sys.modules.get("openvino_telemetry") is not None:
        log.warning("OpenVINO was imported before its telemetry could be blocked in this process")


def projection_name(layer: int, module: str) -> str:
    """The name a projection gets: PEFT's tensor prefix, so that adapters find it."""
    return f"base_model.model.model.layers.{layer}.{module}/MatMul"


def _weighted(node: Any) -> bool:
    """A MatMul by a constant 2-D weight (a projection), as opposed to the rotary-embedding MatMul."""
    if node.get_type_name() != "MatMul":
        return False
    shape = node.input(1).get_partial_shape()
    return shape.is_static and shape.rank.get_length() == 2


def _upstream(outputs: Iterable[Any]) -> list[Any]:
    """Projections reached going up from ``outputs`` without passing another projection or a residual add."""
    seen: set[str] = set()
    queue, found = list(outputs), []
    while queue:
        node = queue.pop(0).get_node()
        if node.get_name() in seen:
            continue
        seen.add(node.get_name())
        if _weighted(node):
            found.append(node)
        elif not _RESIDUAL.match(node.get_friendly_name()):
            queue.extend(i.get_source_output() for i in node.inputs())
    return found


def find_projections(model: Any) -> dict[tuple[int, str], Any]:
    """Map (layer, GGUF projection name) to its MatMul, from the graph: q/k/v are the query/key/value inputs of
    layer N's attention; o and down feed its two residual additions; gate and up feed down, gate through SiLU."""
    ops = list(model.get_ordered_ops())
    found: dict[tuple[int, str], Any] = {}
    attention = [op for op in ops if op.get_type_name() == "ScaledDotProductAttention"]
    for layer, sdpa in enumerate(attention):  # layers depend on each other: topological order is layer order
        for port, name in enumerate(("attn_q", "attn_k", "attn_v")):
            (found[(layer, name)],) = _upstream([sdpa.input(port).get_source_output()])
    for op in ops:
        match = _RESIDUAL.match(op.get_friendly_name())
        if not match:
            continue
        layer = int(match.group(2))
        (projection,) = _upstream([i.get_source_output() for i in op.inputs()])
        if match.group(1) == "0":
            found[(layer, "attn_output")] = projection
            continue
        found[(layer, "ffn_down")] = projection
        for node in _upstream([projection.input(0).get_source_output()]):
            gate = any(t.get_node().get_type_name() == "Swish" for t in node.output(0).get_target_inputs())
            found[(layer, "ffn_gate" if gate else "ffn_up")] = node
    expected = len(attention) * len(PROJECTIONS)
    if len(found) != expected or len({n.get_name() for n in found.values()}) != expected:
        raise ConversionError(f"found {len(found)} projections in the GGUF graph, expected {expected}")
    return found


def _q4_1_blocks(tensor: Any) -> tuple[Any, Any]:
    """(d, m) of every 32-weight block of a GGUF Q4_1 tensor, as float32 arrays of shape [rows, blocks]."""
    import numpy as np

    raw = np.asarray(tensor.data).view(np.uint8).reshape(-1, _Q4_1_BLOCK)
    rows = int(tensor.shape[-1])  # GGUF lists dimensions innermost first
    d = raw[:, 0:2].copy().view(np.float16).astype(np.float32).reshape(rows, -1)
    m = raw[:, 2:4].copy().view(np.float16).astype(np.float32).reshape(rows, -1)
    return d, m


def restore_zero_points(projection: Any, tensor: Any) -> None:
    """Replace the rounded 4-bit zero points of one projection's weight by the exact ``-m / d`` of its GGUF
    blocks. Rows are matched by their scales, since the reader reorders the rows of q and k for its rotary
    embedding."""
    import numpy as np
    from openvino import opset13

    convert = projection.input(1).get_source_output().get_node()  # Convert <- Reshape <- Multiply <- Subtract
    multiply = convert.input(0).get_source_output().get_node().input(0).get_source_output().get_node()
    subtract = multiply.input(0).get_source_output().get_node()
    scale = multiply.input(1).get_source_output().get_node()
    if (multiply.get_type_name(), subtract.get_type_name(), scale.get_type_name()) != (
        "Multiply",
        "Subtract",
        "Constant",
    ):
        raise ConversionError(f"unexpected weight decompression for {projection.get_friendly_name()}")
    shape = list(scale.get_output_partial_shape(0).to_shape())
    ov_scales = scale.get_data().astype(np.float16).reshape(shape[0], -1)
    d, m = _q4_1_blocks(tensor)
    if d.shape != ov_scales.shape:
        raise ConversionError(f"{tensor.name}: {d.shape} blocks in GGUF, {ov_scales.shape} in OpenVINO")
    if not np.array_equal(d.astype(np.float16), ov_scales):
        row_of = {row.astype(np.float16).tobytes(): i for i, row in enumerate(d)}
        try:
            order = np.array([row_of[row.tobytes()] for row in ov_scales])
        except KeyError:
            raise ConversionError(f"{tensor.name}: the weight rows do not match the GGUF file") from None
        d, m = d[order], m[order]
    zero_points = (-m / np.where(d == 0, 1.0, d)).astype(np.float16).reshape(shape)
    subtract.input(1).replace_source_output(opset13.constant(zero_points).output(0))


def convert(gguf: Path, target: Path) -> Path:
    """Build the OpenVINO model from ``gguf`` with OpenVINO GenAI's own reader, restore the exact Q4_1 zero
    points and name the projections; writes ``target/openvino_model.xml`` (atomically) and returns ``target``."""
    disable_telemetry()  # before OpenVINO is first imported
    import openvino as ov
    import openvino_genai as ov_genai
    from gguf import GGUFReader

    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f"{target.name}.tmp-", dir=target.parent))
    try:
        (work / gguf.name).symlink_to(gguf)  # the reader saves its model beside the file it reads
        scheduler = ov_genai.SchedulerConfig()
        scheduler.num_kv_blocks = 1
        ov_genai.ContinuousBatchingPipeline(str(work / gguf.name), scheduler, "CPU", {"enable_save_ov_model": True})
        model = ov.Core().read_model(str(work / IR_NAME))
        reader = GGUFReader(str(gguf))
        tensors = {t.name: t for t in reader.tensors}
        for (layer, name), projection in find_projections(model).items():
            tensor = tensors[f"blk.{layer}.{name}.weight"]
            if tensor.tensor_type.name == "Q4_1":
                restore_zero_points(projection, tensor)
            projection.set_friendly_name(projection_name(layer, PROJECTIONS[name]))
        out = work / "named"
        ov.save_model(model, str(out / IR_NAME), compress_to_fp16=False)
        header = {key: int(reader.fields[f"llama.{key}"].parts[-1][0]) for key in ("context_length", "block_count")}
        (out / METADATA).write_text(json.dumps({"source": gguf.name, **header}, indent=2) + "\n")
        del model
        if target.exists() and not (target / METADATA).exists():  # left by an older version of this conversion
            shutil.rmtree(target, ignore_errors=True)
        try:
            out.rename(target)
        except OSError:  # another process finished first
            pass
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def metadata(model_dir: Path) -> dict[str, Any]:
    """``context_length`` and ``block_count`` of a converted model."""
    return json.loads((model_dir / METADATA).read_text())


def ensure_model(gguf: Path, cache: Path) -> tuple[Path, bool]:
    """The folder of the cached OpenVINO model for ``gguf``, converting it first if needed; and whether it did."""
    target = cache / f"{gguf.stem}-openvino"
    if (target / METADATA).exists():
        return target, False
    log.info("converting %s to OpenVINO in %s (first start only)", gguf.name, target)
    return convert(gguf, target), True
