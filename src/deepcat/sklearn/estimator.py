"""``DeepCatClassifier``: a :class:`deepcat.Network` behind scikit-learn's estimator API.

scikit-learn puts one example per *row*, ``X`` of shape ``(n_samples, n_features)``;
the course puts one per *column*, ``(n_x, m)``. The estimator takes the first and
hands ``X.T`` to the network, so everything scikit-learn offers (``Pipeline``,
``cross_val_score``, ``GridSearchCV``, scalers) works on a deepcat network.

Labels may be of any type (ints, strings, ...). Two classes give a network with
one sigmoid output unit, as in the course; three or more give a softmax output
with one unit per class. ``classes_`` maps the output back to the labels.

This module imports scikit-learn; ``import deepcat`` does not import it.
"""

from __future__ import annotations

import math
import numbers

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from deepcat.core.streams import ExampleStream, is_on_disk
from deepcat.core.validation import check_positive_int, resolve_dtype
from deepcat.network import Network
from deepcat.training.settings import BY_NAME, FIT, validation_count

_MAX_SEED = 2**32 - 1


class DeepCatClassifier(ClassifierMixin, BaseEstimator):
    """An L-layer fully connected classifier trained by deepcat, in scikit-learn's layout.

    ``__init__`` only stores its arguments; they are checked by :meth:`fit`, with
    the messages of :class:`deepcat.Network` and :meth:`deepcat.Network.fit`.

    Parameters
    ----------
    hidden_layer_sizes : int or tuple of int, default (100,)
        ``(n_1, ..., n_{L-1})``, the size of each hidden layer; ``()`` gives
        logistic (or softmax) regression. The input size ``n_x`` comes from ``X``
        and the output size from the number of classes.
    activation : str or tuple of str, default "relu"
        Hidden-layer activation, one name or one per hidden layer: ``"relu"``,
        ``"leaky_relu"``, ``"tanh"``, ``"sigmoid"``.
    init : str, default "he"
        Weight initializer: ``"zeros"``, ``"small"``, ``"lecun"``, ``"he"``, ``"xavier"``.
    learning_rate : float, default 0.001
        ``alpha``, the initial rate when ``decay`` is set.
    epochs : int, default 100
        Passes over the training set.
    iterations : int, optional
        Number of parameter updates instead of ``epochs``: when given, ``epochs``
        is not used (it is the course's "num_iterations" with full batches).
    batch_size : int or None, default 64
        Mini-batch size, reshuffled every epoch; ``None`` trains on the whole set
        at each update (batch gradient descent, as in the seed articles).
    optimizer : {"gd", "momentum", "rmsprop", "adam"}, default "adam"
    beta : float in [0, 1), optional
        Momentum's or RMSprop's coefficient (None: the optimizer's default).
    beta1, beta2 : float in [0, 1), optional
        Adam's coefficients (None: 0.9 and 0.999).
    epsilon : float > 0, optional
        RMSprop's and Adam's denominator guard (None: 1e-8).
    decay : {None, "inverse_time", "exponential", "staircase"}, default None
        Learning-rate schedule over epochs.
    decay_rate : float >= 0, default 1.0
    decay_every : float > 0, default 1
        Epochs per decay step.
    lambd : float >= 0, default 0.0
        L2 regularization strength (the course's ``lambd``).
    keep_prob : float in (0, 1] or tuple of them, default 1.0
        Inverted dropout on the hidden layers, one value or one per hidden layer.
    validation_fraction : float in (0, 1), optional
        Share of the training examples held out to compute ``validation_scores_``
        and, with ``patience``, to stop early.
    patience : int >= 1, optional
        Early stopping: stop after this many recorded costs (epochs) in a row
        without a lower validation cost and keep the parameters with the lowest
        one. Needs ``validation_fraction``.
    record_every : int >= 1, default 1
        With ``batch_size=None`` only: record the cost, and check early stopping,
        every this many updates (``Network.fit``'s ``record_every``). Mini-batch
        training records once per epoch.
    random_state : None, int or numpy.random.RandomState, default None
        Seeds the initial weights, the mini-batch shuffling, dropout and the
        validation split. An int gives the same network as ``Network(seed=int)``.
    dtype : {"float64", "float32"}, default "float64"
        Precision of the parameters and of the data the network sees.

    Attributes
    ----------
    classes_ : ndarray, shape (n_classes,)
        The labels seen in ``fit``, sorted; column ``k`` of :meth:`predict_proba`
        is the probability of ``classes_[k]``.
    n_features_in_ : int
        ``n_x``, the number of features of ``X``.
    feature_names_in_ : ndarray of str, shape (n_features_in_,)
        Only when ``X`` had string column names (a pandas DataFrame).
    network_ : deepcat.Network
        The trained network, ``layer_dims = [n_x, *hidden_layer_sizes, n_L]``
        with ``n_L = 1`` (sigmoid) for two classes and ``n_classes`` (softmax) otherwise.
    loss_curve_ : list of float
        The training cost of every epoch: its mini-batches' mean cost or, with
        ``batch_size=None``, the cost before the update (then every ``record_every``
        updates, and at the last).
    loss_ : float
        The last entry of ``loss_curve_``.
    n_iter_ : int
        Epochs run (fewer than ``epochs`` after early stopping).
    n_updates_ : int
        Parameter updates made.
    validation_scores_ : list of float or None
        Accuracy on the held-out set at every entry of ``loss_curve_``, when
        ``validation_fraction`` is set.

    Notes
    -----
    The defaults, Adam at ``alpha = 0.001`` over mini-batches of 64 for 100 epochs
    with one hidden layer of 100 ReLU units initialised with He's scaling, are
    chosen for small tabular problems scaled to [0, 1] such as scikit-learn's 8x8
    digits, where they reach about 0.97 test accuracy in under a second. The seed
    articles' own setting (plain gradient descent on the whole set, ``alpha =
    0.0075``, 2500 updates) is ``optimizer="gd", batch_size=None, iterations=2500,
    learning_rate=0.0075, init="lecun"``.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import MinMaxScaler
    >>> X, y = load_digits(return_X_y=True)
    >>> model = make_pipeline(MinMaxScaler(), DeepCatClassifier(random_state=0))
    >>> model.fit(X[:1500], y[:1500]).score(X[1500:], y[1500:])  # doctest: +SKIP
    0.9225589225589226
    """

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        init="he",
        learning_rate=0.001,
        epochs=100,
        iterations=None,
        batch_size=64,
        optimizer="adam",
        beta=None,
        beta1=None,
        beta2=None,
        epsilon=None,
        decay=None,
        decay_rate=1.0,
        decay_every=1,
        lambd=0.0,
        keep_prob=1.0,
        validation_fraction=None,
        patience=None,
        record_every=1,
        random_state=None,
        dtype="float64",
    ):
        # scikit-learn reads the parameters from this signature, which is the estimator's
        # side of deepcat.training.settings.SETTINGS (tests/test_settings.py holds them equal).
        for name, value in locals().items():
            if name != "self":
                setattr(self, name, value)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # Dense float input only: the network multiplies W @ X with NumPy.
        tags.input_tags.sparse = False
        tags.input_tags.allow_nan = False
        tags.input_tags.two_d_array = True
        # One label per example, two or more classes (sigmoid or softmax output).
        tags.target_tags.required = True
        tags.classifier_tags.multi_class = True
        tags.classifier_tags.multi_label = False
        # With a fixed random_state two fits give the same network.
        tags.non_deterministic = False
        return tags

    # -- fitting ---------------------------------------------------------------------------

    def fit(self, X, y):
        """Build a new network for ``X`` and ``y`` and train it.

        Parameters
        ----------
        X : array-like, shape (n_samples, n_features)
            One example per row (the transpose of the course's ``(n_x, m)``).
        y : array-like, shape (n_samples,)
            Class labels of any type, at least two distinct values.

        Returns
        -------
        self : DeepCatClassifier
        """
        hidden = _check_hidden_layer_sizes(self.hidden_layer_sizes)
        dtype = resolve_dtype(self.dtype)
        seed = _seed_from(self.random_state)
        fit_settings = self._fit_settings()
        X, y = self._checked_examples(X, y, dtype)
        check_classification_targets(y)
        classes, y_index = np.unique(y, return_inverse=True)
        n_classes = len(classes)
        if n_classes < 2:
            raise ValueError(
                f"y has 1 class ({classes.tolist()[0]!r}); a classifier needs at least 2 classes"
            )
        sigmoid = n_classes == 2
        activation = self.activation
        if isinstance(activation, tuple):
            activation = list(activation)
        network = Network(
            [self.n_features_in_, *hidden, 1 if sigmoid else n_classes],
            hidden_activation=activation,
            output="sigmoid" if sigmoid else "softmax",
            init=self.init,
            seed=seed,
            dtype=dtype.__name__,
        )
        X_columns = X if isinstance(X, ExampleStream) else X.T
        history = network.fit(X_columns, y_index.reshape(1, -1), **fit_settings)
        # Fitted attributes are set only once training has succeeded.
        self.classes_ = classes
        self.network_ = network
        self.loss_curve_ = [float(cost) for _, cost in history.costs]
        self.loss_ = self.loss_curve_[-1]
        self.n_updates_ = history.iterations
        self.n_iter_ = math.ceil(history.iterations / self._updates_per_epoch(len(y)))
        self.validation_scores_ = (
            [float(accuracy) for _, accuracy in history.val_accuracies]
            if self.validation_fraction is not None
            else None
        )
        return self

    def _checked_examples(self, X, y, dtype):
        """``X`` and ``y`` as scikit-learn checks them; ``X`` on disk (an ``h5py`` dataset, a
        zarr array, an :class:`~deepcat.ExampleStream`: one example per row, as scikit-learn
        has them) becomes a stream, read one mini-batch at a time, and is not checked here
        but by the network, batch by batch."""
        if not is_on_disk(X):
            return validate_data(self, X, y, dtype=dtype)
        stream = X if isinstance(X, ExampleStream) else ExampleStream(X)
        y = column_or_1d(y, warn=True)
        if len(y) != stream.shape[1]:
            raise ValueError(
                f"X holds {stream.shape[1]} examples on disk but y has {len(y)} labels"
            )
        self.n_features_in_ = stream.shape[0]
        return stream, y

    def _fit_settings(self):
        """``Network.fit``'s keywords from this estimator's parameters (``iterations``, when
        given, replaces ``epochs``)."""
        settings = {
            setting.library: getattr(self, setting.estimator)
            for setting in FIT
            if setting.estimator is not None
        }
        if self.iterations is None:
            # Without iterations the estimator trains by epochs: None is not "the default".
            settings["epochs"] = check_positive_int(self.epochs, "epochs")
        else:
            settings["epochs"] = None
        return settings

    def _updates_per_epoch(self, n_samples):
        """Mini-batches in one pass over the examples left after the validation split."""
        n_samples -= validation_count(n_samples, self.validation_fraction)
        if self.batch_size is None:
            return 1
        return math.ceil(n_samples / min(self.batch_size, n_samples))

    # -- using the fitted network ----------------------------------------------------------

    def predict_proba(self, X):
        """Probability of each class.

        Parameters
        ----------
        X : array-like, shape (n_samples, n_features)

        Returns
        -------
        ndarray, shape (n_samples, n_classes)
            Column ``k`` is the probability of ``classes_[k]``; each row sums to 1.
        """
        check_is_fitted(self, "network_")
        if is_on_disk(X):  # read a piece at a time, one example per row as stored
            AL = self.network_.predict_proba(X)
        else:
            X = validate_data(self, X, dtype=self.network_.dtype, reset=False)
            AL = self.network_.predict_proba(X.T)
        if self.network_.output == "sigmoid":
            return np.vstack([1.0 - AL[0], AL[0]]).T
        return AL.T

    def predict(self, X):
        """The most probable class of each example.

        Parameters
        ----------
        X : array-like, shape (n_samples, n_features)

        Returns
        -------
        ndarray, shape (n_samples,)
            Labels from ``classes_``. With two classes, the second wins when its
            probability is above 0.5, the course's threshold.
        """
        probabilities = self.predict_proba(X)
        return self.classes_[np.argmax(probabilities, axis=1)]


def _check_hidden_layer_sizes(sizes):
    """``(n_1, ..., n_{L-1})`` as a tuple of positive ints; one int means one hidden layer."""
    if isinstance(sizes, numbers.Integral) and not isinstance(sizes, bool):
        sizes = (sizes,)
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, (tuple, list, np.ndarray)):
        raise TypeError(
            "hidden_layer_sizes must be a tuple of hidden layer sizes (n_1, ..., n_{L-1}), "
            f"got {sizes!r}"
        )
    return tuple(BY_NAME["hidden"].check(sizes, "hidden_layer_sizes"))


def _seed_from(random_state):
    """The ``seed`` for :class:`deepcat.Network`: None, an int, or one drawn from a RandomState."""
    if random_state is None:
        return None
    if isinstance(random_state, np.random.RandomState):
        # Drawing a seed (rather than sharing the object) keeps fit() from changing
        # the user's generator in ways that depend on how long training runs.
        return int(random_state.randint(np.iinfo(np.int32).max))
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        if 0 <= random_state <= _MAX_SEED:
            return int(random_state)
        raise ValueError(f"random_state must be an int in [0, 2**32 - 1], got {random_state}")
    raise TypeError(
        "random_state must be None, an int in [0, 2**32 - 1] or a numpy.random.RandomState, "
        f"got {random_state!r}"
    )
