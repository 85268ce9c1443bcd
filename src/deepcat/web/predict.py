""" "Is it a cat?": a run's model answers the pictures a person drops on the page.

A picture is read exactly as ``deepcat predict`` reads a file (:mod:`deepcat.data.images`:
any format Pillow reads, up to its pixel limit, upright, over white, resized), after the
upload is checked against :data:`MAX_PICTURE_BYTES` and :data:`MAX_PICTURES`. Nothing uploaded
is kept: an upload is held only while it is answered, in memory or (a large one) in the form
parser's temporary file, and while it is decoded in one temporary file of deepcat's; all are
removed when the answer is sent.
"""

from __future__ import annotations

import base64
import io
import tempfile
import threading
from pathlib import Path

import numpy as np
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from deepcat.data.preprocessing import image_pixels, image_record, inputs_from_raw
from deepcat.formatting import printable
from deepcat.network import Network
from deepcat.runs.evaluation import class_names, class_probabilities
from deepcat.runs.messages import failure_message
from deepcat.web.http import WebError

MAX_PICTURES = 32
"""Pictures in one request."""
MAX_PICTURE_BYTES = 20 * 2**20
"""The largest picture file accepted (a 24-megapixel JPEG is about 10 MB)."""
MAX_REQUEST_BYTES = 64 * 2**20
"""The largest request: a few large pictures, or many small ones."""
MAX_FIELDS = 8


class Models:
    """The trained models of the runs, each read once per version of its file (and refused
    once, for a file that is not a picture model)."""

    def __init__(self):
        self._read = {}
        self._lock = threading.Lock()

    def load(self, run):
        """``(network, record)`` of a run's model, ``record`` being its picture preprocessing.

        Raises
        ------
        ValueError, OSError
            For a model file that cannot be read, or one not trained on pictures.
        """
        path = run.model_path
        stat = path.stat()
        version = (str(path), stat.st_size, stat.st_mtime_ns)
        with self._lock:
            found = self._read.get(run.id)
        if found is None or found[0] != version:
            try:
                network = Network.load(path)
                found = (version, (network, image_record(network)), None)
            except (ValueError, OSError) as error:
                found = (version, None, error)
            with self._lock:
                self._read[run.id] = found
        if found[2] is not None:
            raise found[2]
        return found[1]

    def keep_only(self, run_ids):
        """Forget the models of runs that are gone."""
        with self._lock:
            for run_id in set(self._read) - set(run_ids):
                del self._read[run_id]


async def list_models(request):
    """``GET /api/models``: the picture models among the runs, and why others are not."""
    catalogue, models = request.app.state.catalogue, request.app.state.models
    return JSONResponse(await run_in_threadpool(_list_models, catalogue, models))


def _list_models(catalogue, models):
    offered, skipped = [], []
    runs = catalogue.runs()
    models.keep_only(run.id for run in runs)
    for run in runs:
        if not run.has_model:
            continue
        try:
            network, record = models.load(run)
        except (ValueError, OSError) as error:
            skipped.append({"id": run.id, "reason": printable(error)})
            continue
        offered.append(
            {
                "id": run.id,
                "dataset": run.metrics.get("dataset"),
                "classes": [printable(c) for c in class_names(network)],
                "output": network.output,
                "image_shape": list(record["image_shape"]),
                "layer_dims": list(network.layer_dims),
                "test_accuracy": network.metadata.get("test_accuracy"),
            }
        )
    return {"models": offered, "skipped": skipped}


async def predict_pictures(request):
    """``POST /api/predict``: form fields ``model`` (a run's id) and ``pictures`` (files).

    Returns ``{"model": id, "classes": [...], "answers": [...]}`` with, for each picture in
    the order sent, its ``name`` and either ``error`` or ``label``, ``class``,
    ``probability`` (of that class), ``probabilities`` (one per class) and ``seen`` (the
    picture as the model sees it, a PNG data URL).
    """
    form = await _read_form(request)
    try:
        run_id = form.get("model")
        if not isinstance(run_id, str):
            raise WebError(400, "choose a model: the form has no model field")
        run = request.app.state.catalogue.get(run_id)
        if not run.has_model:
            raise WebError(404, f"run {run_id!r} has no model.npz")
        uploads = form.getlist("pictures")
        if not uploads or not all(isinstance(upload, UploadFile) for upload in uploads):
            raise WebError(400, "choose one or more pictures: the form has no picture files")
        try:
            network, record = await run_in_threadpool(request.app.state.models.load, run)
        except (ValueError, OSError) as error:
            raise WebError(400, f"{run_id}: {error}") from None
        answers = []
        for upload in uploads:
            answers.append(await _answer(network, record, upload))
    finally:
        await form.close()
    return JSONResponse({"model": run.id, "classes": class_names(network), "answers": answers})


async def _read_form(request):
    """The multipart form of ``request``, its body counted as it arrives.

    Raises
    ------
    WebError
        413 once the body passes :data:`MAX_REQUEST_BYTES` (or says it will).
    """
    too_large = f"the pictures come to more than {MAX_REQUEST_BYTES // 2**20} MB; send fewer"
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_REQUEST_BYTES:
        raise WebError(413, too_large)
    received = 0

    async def receive():
        nonlocal received
        message = await request.receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > MAX_REQUEST_BYTES:
                raise WebError(413, too_large)
        return message

    counted = Request(request.scope, receive)
    return await counted.form(max_files=MAX_PICTURES, max_fields=MAX_FIELDS)


async def _answer(network, record, upload):
    name = printable(Path(upload.filename or "picture").name)
    size = upload.size
    if size is not None and size > MAX_PICTURE_BYTES:
        return {
            "name": name,
            "error": f"{name}: is {size / 2**20:.1f} MB, more than the "
            f"{MAX_PICTURE_BYTES // 2**20} MB a picture may be",
        }
    data = await upload.read()
    return await run_in_threadpool(answer_picture, network, record, name, data)


def answer_picture(network, record, name, data):
    """What the model says of one picture, given as the bytes of its file.

    Returns
    -------
    dict
        See :func:`predict_pictures`; errors name the picture by ``name``.
    """
    with tempfile.TemporaryDirectory(prefix="deepcat-upload-") as folder:
        path = Path(folder) / "picture"
        path.write_bytes(data)
        try:
            pixels = image_pixels(path, record)
        except (ValueError, OSError, MemoryError) as error:
            # The line deepcat predict prints, naming the upload rather than the temporary file.
            line = failure_message(error).replace(str(path), name)
            return {
                "name": name,
                "error": line if line.startswith(f"{name}: ") else f"{name}: {line}",
            }
    X = inputs_from_raw(record, pixels[np.newaxis], network.dtype)
    probabilities = class_probabilities(network, X)[:, 0]
    label = int(network.predict(X)[0, 0])
    classes = class_names(network)
    return {
        "name": name,
        "label": label,
        "class": printable(classes[label]),
        "probability": float(probabilities[label]),
        "probabilities": [
            {"class": printable(c), "probability": float(p)}
            for c, p in zip(classes, probabilities, strict=True)
        ],
        "seen": seen_picture(pixels, record),
    }


def seen_picture(pixels, record):
    """The picture as the model gets it, as a PNG data URL: its size, its colours, and for
    an inverted data set (the digits) its inverted shades.

    Parameters
    ----------
    pixels : ndarray, shape (height, width, channels)
        From :func:`~deepcat.data.preprocessing.image_pixels`, in ``[0, pixel_max]``.
    """
    from PIL import Image

    pixel_max = float(record.get("pixel_max", 255.0))
    shades = np.clip(np.rint(pixels * (255.0 / pixel_max)), 0, 255).astype(np.uint8)
    picture = Image.fromarray(shades[..., 0] if shades.shape[2] == 1 else shades)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


ROUTES = [
    Route("/api/models", list_models, methods=["GET"]),
    Route("/api/predict", predict_pictures, methods=["POST"]),
]
