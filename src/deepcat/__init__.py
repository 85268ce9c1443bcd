"""deepcat: L-layer neural networks from scratch in NumPy.

The building blocks carry the seed articles' names, shapes and return conventions
(``X`` is ``(n_x, m)``, ``W[l]`` is ``(n_l, n_{l-1})``; ``Z, cache = linear_forward(...)``,
``A, cache = sigmoid(Z)``); :class:`Network` puts them together. The plain ``A = g(Z)`` is
in :mod:`deepcat.core.activations`, and the course's assignments, function by function, in
:mod:`deepcat.course`. Importing deepcat loads NumPy only; h5py, plotting and the command
line are imported when used.
"""

from deepcat.core.activations import (
    leaky_relu_backward,
    leaky_relu_derivative,
    relu_backward,
    relu_derivative,
    sigmoid_backward,
    sigmoid_derivative,
    tanh_backward,
    tanh_derivative,
    with_cache,
)
from deepcat.core.gradient_check import gradient_check
from deepcat.core.initializers import initialize_parameters
from deepcat.core.losses import compute_cost
from deepcat.core.optimizers import update_parameters
from deepcat.core.propagation import (
    linear_activation_backward,
    linear_activation_forward,
    linear_backward,
    linear_forward,
    model_backward,
    model_forward,
    predict,
)
from deepcat.core.streams import ExampleStream
from deepcat.network import Network
from deepcat.training.loop import DivergenceError, History

# The course's convention, A, cache = g(Z): unpacking never splits A into its rows.
sigmoid = with_cache("sigmoid")
tanh = with_cache("tanh")
relu = with_cache("relu")
leaky_relu = with_cache("leaky_relu")
softmax = with_cache("softmax")
del with_cache

__version__ = "0.1.0"

__all__ = [
    "DivergenceError",
    "ExampleStream",
    "History",
    "Network",
    "compute_cost",
    "gradient_check",
    "initialize_parameters",
    "leaky_relu",
    "leaky_relu_backward",
    "leaky_relu_derivative",
    "linear_activation_backward",
    "linear_activation_forward",
    "linear_backward",
    "linear_forward",
    "model_backward",
    "model_forward",
    "predict",
    "relu",
    "relu_backward",
    "relu_derivative",
    "sigmoid",
    "sigmoid_backward",
    "sigmoid_derivative",
    "softmax",
    "tanh",
    "tanh_backward",
    "tanh_derivative",
    "update_parameters",
]
