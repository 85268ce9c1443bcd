"""A trained network as a standard ONNX model, its recorded preprocessing inside it.

The graph takes raw examples, one per row, as the data set stores them: pictures
``(N, height, width, channels)`` of uint8 pixels for a picture model, features ``(N, n_x)``
for a feature model. It applies the preprocessing the model records (:mod:`deepcat.data.
preprocessing`: the course's flattening order, the division by the scale, the inversion and
range of the digits, the standardisation), then the network's layers, and gives the output
layer's activations, ``(N, n_L)``: P(class 1) for a sigmoid output, every class's probability
for softmax. A network that records no preprocessing takes its inputs ``X`` as
:meth:`deepcat.Network.predict` does, one example per row.

Every layer is ``Gemm`` (``A[l-1] W[l]^T + b[l]^T``, the examples as rows) and the operator of
its activation (:data:`OPERATORS`). The arithmetic is float32, as ONNX runtimes run it best.
"""

from __future__ import annotations

import numpy as np

from deepcat.core.activations import LEAKY_RELU_SLOPE
from deepcat.data.files import atomic_write

OPSET = 17
PRODUCER = "deepcat"
OPERATORS = {
    "relu": ("Relu", {}),
    "tanh": ("Tanh", {}),
    "sigmoid": ("Sigmoid", {}),
    "leaky_relu": ("LeakyRelu", {"alpha": LEAKY_RELU_SLOPE}),
    "softmax": ("Softmax", {"axis": 1}),
}
"""Each activation of deepcat as the ONNX operator that computes it, with its attributes."""


def onnx_model(network):
    """The ``onnx.ModelProto`` of ``network`` (see the module's docstring).

    Raises
    ------
    ImportError
        When the ``onnx`` package is missing (``pip install 'deepcat[onnx]'``).
    ValueError
        For an activation ONNX has no operator for here, or a preprocessing record that
        does not fit the network.
    """
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    nodes, initializers = [], []

    def constant(name, value, dtype=np.float32):
        initializers.append(numpy_helper.from_array(np.asarray(value, dtype), name))
        return name

    record = (network.metadata or {}).get("preprocessing")
    n_x = network.layer_dims[0]
    if record:
        raw_input, current = _preprocessing(record, n_x, nodes, constant, helper)
    else:
        raw_input = helper.make_tensor_value_info("X", TensorProto.FLOAT, ["N", n_x])
        current = "X"
    for l in range(1, network.L + 1):
        activation = network.activations[l - 1]
        if activation not in OPERATORS:
            raise ValueError(f"activation {activation!r} of layer {l} has no ONNX operator here")
        W = constant(f"W{l}", network.parameters[f"W{l}"])
        b = constant(f"b{l}", network.parameters[f"b{l}"].reshape(-1))
        nodes.append(helper.make_node("Gemm", [current, W, b], [f"Z{l}"], transB=1))
        operator, attributes = OPERATORS[activation]
        current = "probabilities" if l == network.L else f"A{l}"
        nodes.append(helper.make_node(operator, [f"Z{l}"], [current], **attributes))
    output = helper.make_tensor_value_info(
        "probabilities", TensorProto.FLOAT, ["N", network.layer_dims[-1]]
    )
    graph = helper.make_graph(nodes, "deepcat", [raw_input], [output], initializers)
    model = helper.make_model(
        graph, producer_name=PRODUCER, opset_imports=[helper.make_opsetid("", OPSET)]
    )
    classes = (network.metadata or {}).get("classes")
    if classes:
        helper.set_model_props(model, {"classes": ",".join(map(str, classes))})
    onnx.checker.check_model(model)
    return model


def input_text(network):
    """The graph's input as :func:`onnx_model` names it: ``pixels (N, 64, 64, 3) uint8``."""
    record = (network.metadata or {}).get("preprocessing")
    if not record:
        return f"X (N, {network.layer_dims[0]}) float32"
    if record["input"] == "image":
        return f"pixels (N, {', '.join(map(str, record['image_shape']))}) uint8"
    return f"features (N, {record['n_features']}) float32"


def _preprocessing(record, n_x, nodes, constant, helper):
    """The graph's input and the nodes turning raw examples into ``A[0]`` ``(N, n_x)``, as
    :func:`deepcat.data.preprocessing.image_pixels` and :func:`~deepcat.data.course.to_columns`
    do; returns the input and the name of ``A[0]``."""
    from onnx import TensorProto

    from deepcat.data.preprocessing import record_input_shape

    shape = record_input_shape(record)
    if int(np.prod(shape)) != n_x:
        raise ValueError(
            f"the model records examples of shape {shape}, which do not make its n_x = {n_x} inputs"
        )

    def step(operator, inputs, output, **attributes):
        nodes.append(helper.make_node(operator, inputs, [output], **attributes))
        return output

    if record["input"] == "image":
        raw = helper.make_tensor_value_info("pixels", TensorProto.UINT8, ["N", *shape])
        current = step("Cast", ["pixels"], "pixel_values", to=TensorProto.FLOAT)
        # The course's flattening: each picture's rows, then columns, then channels.
        current = step("Reshape", [current, constant("rows", [0, n_x], np.int64)], "flat")
        pixel_max = float(record.get("pixel_max", 255.0))
        if pixel_max != 255.0 or record.get("invert"):  # to the data set's range, as predict
            current = step("Mul", [current, constant("range", pixel_max / 255.0)], "ranged")
            if record.get("invert"):
                current = step("Sub", [constant("pixel_max", pixel_max), current], "inverted")
    else:
        raw = helper.make_tensor_value_info("features", TensorProto.FLOAT, ["N", n_x])
        current = "features"
    current = step("Div", [current, constant("scale", record["scale"])], "scaled")
    if record.get("mean") is not None:
        current = step("Sub", [current, constant("mean", record["mean"])], "centred")
    if record.get("std") is not None:
        current = step("Div", [current, constant("std", record["std"])], "standardised")
    return raw, current


MAX_READ_BYTES = 2**30
"""An ONNX file larger than this is not read to recognise it (deepcat's are the size of their
parameters: about 1 MB for the course's model)."""


def is_deepcat_onnx(path):
    """Whether ``path`` is a regular file holding an ONNX model that deepcat wrote (its
    producer), so that ``deepcat export --force`` may replace it."""
    import os

    try:
        import onnx

        if not os.path.isfile(path) or os.path.islink(path):
            return False
        if os.path.getsize(path) > MAX_READ_BYTES:
            return False
        return onnx.load(path, load_external_data=False).producer_name == PRODUCER
    except Exception:  # anything that is not a readable ONNX model is not deepcat's
        return False


def save_onnx(network, path):
    """Write :func:`onnx_model` of ``network`` to ``path`` atomically.

    Raises
    ------
    ImportError, ValueError
        As :func:`onnx_model`; nothing is written then.
    """
    data = onnx_model(network).SerializeToString()
    atomic_write(path, lambda handle: handle.write(data))
