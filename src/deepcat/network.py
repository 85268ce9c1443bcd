"""``Network``: an L-layer fully connected network with a scikit-learn-like API.

It holds the parameters dict of the seed articles; :meth:`Network.fit` trains it with the loop of
:mod:`deepcat.training.loop`, whose every step is a function of :mod:`deepcat.core` (layer 1 may
go through the exact Gram-matrix formulation of :mod:`deepcat.training.gram`). Nothing is hidden
from a learner who wants to look at ``network.parameters`` or call those functions by hand.
"""

from __future__ import annotations

import numpy as np

from deepcat.core.initializers import get_initializer, initialize_parameters, make_rng
from deepcat.core.losses import get_loss, l2_regularization_cost
from deepcat.core.memory import array_bytes, check_fits
from deepcat.core.propagation import model_backward, model_forward, sigmoid_labels
from deepcat.core.streams import ExampleStream, check_inputs
from deepcat.core.validation import (
    check_activations,
    check_binary_Y,
    check_categorical_Y,
    check_layer_dims,
    check_parameters,
    resolve_dtype,
)
from deepcat.data.model_files import load_network, save_network
from deepcat.formatting import table
from deepcat.training.batches import scale_inputs
from deepcat.training.holdout import hold_out
from deepcat.training.loop import train
from deepcat.training.settings import FIT_SIGNATURE, build_config, check_seed
from deepcat.training.transfer import transfer


class Network:
    """A fully connected L-layer network for binary or multi-class classification.

    Parameters
    ----------
    layer_dims : sequence of int
        ``[n_x, n_1, ..., n_L]``: the input size, then each layer's size.
        ``n_L`` is 1 for a sigmoid output and the number of classes for softmax.
    hidden_activation : str or list of str, default "relu"
        One name for every hidden layer, or one per hidden layer (L - 1 names):
        ``"relu"``, ``"leaky_relu"``, ``"tanh"``, ``"sigmoid"``.
    output : {"sigmoid", "softmax"}, default "sigmoid"
        Output activation; it decides the cost (binary or categorical cross-entropy).
    init : str, default "lecun"
        ``"zeros"``, ``"small"``, ``"lecun"``, ``"he"`` or ``"xavier"``
        (see :mod:`deepcat.core.initializers`).
    seed : int or None
        Seeds a private ``numpy.random.RandomState``, used first for the initial
        weights (layer by layer, as the course draws them) and then for
        shuffling and dropout. ``seed=1`` reproduces the course.
    dtype : {"float64", "float32"}, default "float64"

    Raises
    ------
    deepcat.core.memory.NotEnoughMemoryError
        (A ``MemoryError``) before drawing, if the parameters cannot fit; names the largest W.

    Attributes
    ----------
    parameters : dict
        The live arrays ``"W{l}"`` ``(n_l, n_{l-1})`` and ``"b{l}"`` ``(n_l, 1)``.
    activations : list of str
        ``g[1], ..., g[L]``.
    frozen : int
        The first ``frozen`` layers are not updated by :meth:`fit`.
    metadata : dict
        Free-form JSON-serializable data saved with the model (e.g. preprocessing).

    Examples
    --------
    >>> net = Network([12288, 20, 7, 5, 1], init="lecun", seed=1)
    >>> history = net.fit(train_x, train_y, learning_rate=0.0075, iterations=2500)
    >>> net.score(test_x, test_y)
    0.8
    """

    def __init__(
        self,
        layer_dims,
        hidden_activation="relu",
        output="sigmoid",
        init="lecun",
        seed=None,
        dtype="float64",
    ):
        self._set_structure(layer_dims, hidden_activation, output, init, seed, dtype)
        self.parameters = initialize_parameters(self.layer_dims, init, self.rng, self.dtype)

    @classmethod
    def from_parameters(
        cls,
        layer_dims,
        parameters,
        hidden_activation="relu",
        output="sigmoid",
        init="lecun",
        seed=None,
        dtype="float64",
    ):
        """A network holding ``parameters`` (e.g. the course's dict); nothing is drawn.

        The other arguments are :class:`Network`'s (``init`` is only recorded). ``parameters``
        holds ``"W{l}"`` ``(n_l, n_{l-1})`` and ``"b{l}"`` ``(n_l, 1)``, ``l = 1..L``, finite;
        each is kept when already C-contiguous in ``dtype``, else copied.
        """
        network = cls.__new__(cls)
        network._set_structure(layer_dims, hidden_activation, output, init, seed, dtype)
        get_initializer(init)  # refused here as when drawing: a saved model records it
        network.parameters = check_parameters(parameters, network.layer_dims, network.dtype)
        return network

    def _set_structure(self, layer_dims, hidden_activation, output, init, seed, dtype):
        """Everything but the parameters: the checked architecture and the random state."""
        self.layer_dims = check_layer_dims(layer_dims)
        self.activations = check_activations(hidden_activation, output, self.layer_dims)
        self.init = init
        self.seed = seed
        self.dtype = resolve_dtype(dtype)
        if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
            check_seed(seed)  # in deepcat's words; make_rng refuses what is no int at all
        self.rng = make_rng(seed)
        self.frozen = 0
        self.metadata = {}
        self.history = None

    # -- structure -------------------------------------------------------------------------

    @property
    def L(self) -> int:
        """Number of layers with parameters (the input layer is not counted)."""
        return len(self.layer_dims) - 1

    @property
    def output(self) -> str:
        """The output activation, ``"sigmoid"`` or ``"softmax"``."""
        return self.activations[-1]

    @property
    def n_classes(self) -> int:
        """2 for a sigmoid output, ``n_L`` for softmax."""
        return 2 if self.output == "sigmoid" else self.layer_dims[-1]

    def summary(self) -> str:
        """A table of every layer's shapes in course notation and the parameter count."""
        rows = [("layer", "activation", "W", "b", "Z, A", "parameters")]
        rows.append(("0 (input)", "", "", "", f"({self.layer_dims[0]}, m)", ""))
        total = 0
        for l in range(1, self.L + 1):
            n_l, n_prev = self.layer_dims[l], self.layer_dims[l - 1]
            count = n_l * n_prev + n_l
            total += count
            name = f"{l}{' (frozen)' if l <= self.frozen else ''}"
            rows.append(
                (
                    name,
                    self.activations[l - 1],
                    f"({n_l}, {n_prev})",
                    f"({n_l}, 1)",
                    f"({n_l}, m)",
                    f"{count:,}",
                )
            )
        totals = f"total parameters: {total:,}  (L = {self.L}, dtype {self.dtype.__name__})"
        return f"{table(rows)}\n{totals}"

    def __repr__(self):
        return (
            f"Network(layer_dims={self.layer_dims}, activations={self.activations}, "
            f"init={self.init!r}, dtype={self.dtype.__name__!r})"
        )

    # -- training --------------------------------------------------------------------------

    def fit(self, X, Y, *args, **kwargs):
        """Train the parameters in place and return a :class:`~deepcat.training.loop.History`.

        Parameters
        ----------
        X : array-like, shape (n_x, m), or examples on disk, shape (m, ...)
            On disk: an ``h5py`` or zarr dataset, or an :class:`~deepcat.ExampleStream`,
            read a window of mini-batches at a time (:mod:`deepcat.training.batches`).
        Y : array-like
            Sigmoid output: labels 0/1 of shape ``(1, m)`` or ``(m,)``.
            Softmax output: class indices ``(1, m)``/``(m,)`` or one-hot ``(n_L, m)``.
        learning_rate : float, default 0.0075
            ``alpha``, the initial rate when ``decay`` is set.
        iterations : int, optional
            Number of parameter updates (default 2500 when ``epochs`` is not given).
        epochs : int, optional
            Passes over the training set, instead of ``iterations``.
        batch_size : int, optional
            Mini-batch size; default the whole set (batch gradient descent, as in the
            seeds). Mini-batches are reshuffled every epoch with the network's seed.
        optimizer : {"gd", "momentum", "rmsprop", "adam"}, default "gd"
        beta : float in [0, 1), optional
            Momentum (default 0.9) or RMSprop (default 0.999) coefficient.
        beta1, beta2 : float in [0, 1), optional
            Adam's coefficients (defaults 0.9 and 0.999).
        epsilon : float > 0, optional
            RMSprop's and Adam's denominator guard (default 1e-8).
        decay : {None, "inverse_time", "exponential", "staircase"}
            Learning-rate schedule over epochs (see :mod:`deepcat.core.schedules`).
        decay_rate : float >= 0, default 1.0
        decay_every : float > 0, default 1
            Epochs per decay step.
        lambd : float >= 0, default 0
            L2 regularization: adds ``(lambd / 2m) sum ||W||^2`` to the cost and
            ``(lambd / m) W`` to each ``dW``.
        keep_prob : float in (0, 1] or list of them, default 1.0
            Inverted dropout on the hidden layers (one value, or one per hidden
            layer). Never applied at prediction time.
        validation_data : (X_val, Y_val), optional
            Shaped like ``X`` and ``Y``; evaluated at every recorded iteration.
        validation_fraction : float in (0, 1), optional
            Hold out this share of ``X`` (drawn with the network's seed) as validation data.
        patience : int >= 1, optional
            Early stopping: stop after this many evaluations in a row without a lower
            validation cost, and restore the parameters with the lowest one.
        record_every : int >= 1, default 100
            With full batches, record the cost every this many iterations.
        callback : callable(iteration, cost), optional
            Called after every update.
        input_scale : float > 0, optional
            Train on ``X / input_scale``, divided one mini-batch at a time: integer ``X``
            (uint8 pixels, ``input_scale=255``) is kept as it is instead of being copied
            whole as floats. Validation inputs are divided too; ``predict``, ``score`` and
            ``cost`` take inputs already divided.

        Returns
        -------
        History
            Also kept as ``self.history``.

        Raises
        ------
        deepcat.DivergenceError
            If the cost becomes NaN or infinite, or rises far beyond its start (see
            :func:`deepcat.training.loop.divergence_limit`); the parameters are restored to
            their values before the call.
        """
        # The keywords are those of deepcat.training.settings.FIT: FIT_SIGNATURE (which help()
        # and IDEs show as fit's signature) binds them, refusing unknown or repeated ones.
        try:
            given = FIT_SIGNATURE.bind(self, X, Y, *args, **kwargs).arguments
        except TypeError as error:
            raise TypeError(f"Network.fit() {error}") from None
        validation_data = given.pop("validation_data", None)
        callback = given.pop("callback", None)
        settings = {name: value for name, value in given.items() if name not in ("self", "X", "Y")}
        config = build_config(self.L - 1, has_validation=validation_data is not None, **settings)
        validation_fraction, input_scale = config.validation_fraction, config.input_scale
        X, Y = self._check_data(X, Y, keep_integers=input_scale is not None)
        if validation_data is not None and validation_fraction is not None:
            raise ValueError("give validation_data or validation_fraction, not both")
        if validation_data is not None:
            if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
                raise TypeError("validation_data must be a pair (X_val, Y_val)")
            validation = self._check_data(
                *validation_data, name="validation ", keep_integers=input_scale is not None
            )
        elif validation_fraction is not None:
            X, Y, validation = hold_out(X, Y, config.validation_fraction, self.rng)
        else:
            validation = None
        if validation is not None and input_scale is not None:
            X_val, Y_val = validation
            validation = (scale_inputs(X_val, config.input_scale, self.dtype), Y_val)
        self.history = train(self, X, Y, config, validation, callback)
        return self.history

    # -- using a trained network -----------------------------------------------------------

    def predict_proba(self, X):
        """Output-layer activations: ``(1, m)`` P(class 1) for sigmoid, ``(n_L, m)`` for softmax."""
        AL, _ = self._outputs(check_inputs(X, self.layer_dims[0], self.dtype))
        return AL

    def _outputs(self, X):
        """``A[L]`` and ``Z[L]`` ``(n_L, m)`` of checked ``X``; on disk, a piece at a time."""
        if isinstance(X, ExampleStream):
            pieces = [self._outputs(piece) for piece in X.columns()]
            return tuple(np.concatenate(part, axis=1) for part in zip(*pieces, strict=True))
        self._check_forward_fits(X.shape[1])
        AL, caches = model_forward(X, self.parameters, self.activations)
        return AL, caches[-1][1]

    def _check_forward_fits(self, m):
        """Refuse in words a forward pass whose caches, ``Z[l]`` and ``A[l]`` ``(n_l, m)`` of
        every layer, cannot fit (the gradients of backpropagation need as much again)."""
        check_fits(
            sum(array_bytes((n_l, m), self.dtype, copies=4) for n_l in self.layer_dims[1:]),
            f"the network layer_dims = {list(self.layer_dims)} on m = {m} examples",
        )

    def predict(self, X):
        """Predicted classes, shape ``(1, m)``: 1 where P > 0.5 for sigmoid, else the argmax."""
        AL = self.predict_proba(X)
        if self.output == "sigmoid":
            return sigmoid_labels(AL)
        return np.argmax(AL, axis=0).reshape(1, -1)

    def score(self, X, Y):
        """Accuracy: the share of the ``m`` examples whose predicted class is the label."""
        X, Y = self._check_data(X, Y)
        labels = Y if self.output == "sigmoid" else np.argmax(Y, axis=0).reshape(1, -1)
        return float(np.mean(self.predict(X) == labels))

    def cost(self, X, Y, lambd=0.0):
        """The cost J on ``(X, Y)`` for the current parameters, plus the L2 term if ``lambd``."""
        X, Y = self._check_data(X, Y)
        data_cost = get_loss(self.output)(self._outputs(X)[1], Y)
        return data_cost + l2_regularization_cost(self.parameters, lambd, X.shape[1])

    def gradients(self, X, Y, lambd=0.0):
        """Backpropagation's ``dW1, db1, ...`` for the current parameters (no dropout)."""
        X, Y = self._check_data(X, Y)
        if isinstance(X, ExampleStream):
            raise TypeError("gradients needs X in memory, an array of shape (n_x, m)")
        self._check_forward_fits(X.shape[1])
        AL, caches = model_forward(X, self.parameters, self.activations)
        return model_backward(AL, Y, caches, self.activations, lambd=lambd)

    def _check_data(self, X, Y, name="", keep_integers=False):
        X = check_inputs(X, self.layer_dims[0], self.dtype, keep_integers)
        m = X.shape[1]
        try:
            if self.output == "sigmoid":
                Y = check_binary_Y(Y, m, self.dtype)
            else:
                Y = check_categorical_Y(Y, m, self.layer_dims[-1], self.dtype)
        except (ValueError, TypeError) as error:
            if not name:
                raise
            raise type(error)(f"{name}{error}") from None
        return X, Y

    # -- transfer learning and files -------------------------------------------------------

    def transfer(self, n_outputs, output="sigmoid", keep=None, freeze=0, init="lecun", seed=None):
        """A new network reusing this one's first layers under a fresh output layer.

        Parameters
        ----------
        n_outputs : int
            Size of the new output layer: 1 for sigmoid, the class count for softmax.
        output : {"sigmoid", "softmax"}
        keep : int, optional
            How many of this network's layers to reuse, 1..L-1 (default all hidden layers).
        freeze : int, default 0
            How many of the kept layers :meth:`fit` leaves unchanged, 0..keep.
        init, seed :
            For the new output layer's weights.

        Returns
        -------
        Network
            ``layer_dims[:keep + 1] + [n_outputs]``, with copies of the kept parameters
            (see :func:`deepcat.training.transfer.transfer`).
        """
        return transfer(self, n_outputs, output, keep, freeze, init, seed)

    def save(self, path):
        """Write the model to ``path`` atomically, as ``.npz`` arrays plus JSON metadata.

        A ``ValueError`` names what :meth:`load` would refuse (non-finite parameters, metadata
        that contradicts the network); nothing is written then.
        """
        save_network(self, path)

    def to_onnx(self, path):
        """Write the network, with the preprocessing it records, as an ONNX model (needs the
        ``onnx`` package: ``pip install 'deepcat[onnx]'``); see :mod:`deepcat.data.onnx_files`."""
        from deepcat.data.onnx_files import save_onnx

        save_onnx(self, path)

    @classmethod
    def load(cls, path):
        """Read a model written by :meth:`save`; never unpickles anything.

        The file may come from anyone: everything is checked before any array is allocated
        (see :mod:`deepcat.data.model_files`). ``FileNotFoundError`` if nothing is at ``path``;
        ``ValueError`` naming the file and the problem; ``NotEnoughMemoryError`` (a
        ``MemoryError``) if its parameters cannot fit in memory.
        """
        return load_network(path, cls)


Network.fit.__signature__ = FIT_SIGNATURE
