"""(d) Predicting 100,000 examples with the (b) network in float32: deepcat, PyTorch, ONNX Runtime.

Every predictor gets the same float32 features, already divided by 255, as ``(m, n_x)`` rows
(deepcat reads them as the ``(n_x, m)`` view ``features.T``, without a copy) and returns
P(cat) for each example. deepcat's ``predict_proba`` checks its input (shape, finite values)
as it does for any user; PyTorch runs under ``torch.inference_mode()``; ONNX Runtime runs the
model :meth:`deepcat.Network.to_onnx` writes, on its CPU provider with its default threads.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

INFERENCE_EXAMPLES = 100_000
PROBABILITY_TOLERANCE = 1e-5
"""Largest difference allowed between a peer's probabilities and deepcat's (float32)."""


def features(pixels):
    """``(m, n_x)`` float32 features: uint8 pixels divided by 255, as the (b) epoch reads them."""
    out = np.empty(pixels.shape, np.float32)
    np.divide(pixels, np.float32(255), out=out, dtype=np.float32)
    return out


def deepcat_predictor(network):
    def predict(rows):
        return network.predict_proba(rows.T).reshape(-1)

    return predict


def torch_predictor(network):
    """``None`` when PyTorch is not installed."""
    try:
        import torch
        import torch_peer
    except ImportError:
        return None
    tensors = [t.detach() for t in torch_peer._parameters(network.parameters, torch.float32)]

    def predict(rows):
        with torch.inference_mode():
            logits = torch_peer._logits(torch.from_numpy(rows), tensors)
            return torch.sigmoid(logits).numpy()

    return predict


def onnx_predictor(network, folder, threads=None):
    """``(predict, description)``, or ``(None, why)`` without onnx or onnxruntime.

    ``threads``: ONNX Runtime's ``intra_op_num_threads`` (threadpoolctl does not reach its
    pool); None leaves its default.
    """
    try:
        import onnxruntime
    except ImportError:
        return None, "onnxruntime is not installed (pip install '.[onnx]' onnxruntime)"
    path = Path(folder) / "b_network.onnx"
    try:
        network.to_onnx(path)
    except ImportError as error:
        return None, str(error)
    options = onnxruntime.SessionOptions()
    if threads is not None:
        options.intra_op_num_threads = threads
    session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name

    def predict(rows):
        return session.run(None, {name: rows})[0].reshape(-1)

    threads = session.get_session_options().intra_op_num_threads
    return predict, (
        f"onnxruntime {onnxruntime.__version__}, CPUExecutionProvider, "
        f"intra_op_num_threads={threads} (0: its default)"
    )


def predictors(network, threads=None):
    """``({name: predict(rows) -> (m,) probabilities}, notes, folder)`` for every peer present.

    The ``TemporaryDirectory`` ``folder`` holds the ONNX file; keep it while predicting.
    """
    folder = tempfile.TemporaryDirectory()
    found = {"deepcat": deepcat_predictor(network)}
    notes = []
    torch_predict = torch_predictor(network)
    if torch_predict is None:
        notes.append("PyTorch: not installed, left out")
    else:
        found["PyTorch float32, inference_mode"] = torch_predict
    onnx_predict, onnx_note = onnx_predictor(network, folder.name, threads)
    if onnx_predict is not None:
        found["ONNX Runtime"] = onnx_predict
    notes.append(f"ONNX Runtime: {onnx_note}")
    return found, notes, folder
