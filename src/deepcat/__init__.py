"""deepcat: L-layer neural networks from scratch in NumPy.

The building blocks carry the seed articles' names and shapes (``X`` is
``(n_x, m)``, ``W[l]`` is ``(n_l, n_{l-1})``); :class:`Network` puts them
together. Importing deepcat loads NumPy only; h5py, plotting and the command
line are imported when used.
"""

from deepcat.core.activations import (
    leaky_relu,
    leaky_relu_derivative,
    relu,
    relu_derivative,
    sigmoid,
    sigmoid_derivative,
    softmax,
    tanh,
    tanh_derivative,
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
from deepcat.network import Network
from deepcat.training.loop import DivergenceError, History

__version__ = "0.1.0"

__all__ = [
    "DivergenceError",
    "History",
    "Network",
    "compute_cost",
    "gradient_check",
    "initialize_parameters",
    "leaky_relu",
    "leaky_relu_derivative",
    "linear_activation_backward",
    "linear_activation_forward",
    "linear_backward",
    "linear_forward",
    "model_backward",
    "model_forward",
    "predict",
    "relu",
    "relu_derivative",
    "sigmoid",
    "sigmoid_derivative",
    "softmax",
    "tanh",
    "tanh_derivative",
    "update_parameters",
]
