"""A small model and the contents of its file, for the tests of hostile model files."""

import copy

from deepcat import Network

PICTURES = {
    "input": "image",
    "image_shape": [2, 2, 3],
    "scale": 255.0,
    "pixel_max": 255.0,
    "invert": False,
}


def small_model():
    """A [12, 3, 1] network with the metadata ``deepcat train`` records for 2x2 RGB pictures."""
    network = Network([12, 3, 1], seed=0)
    network.metadata = {
        "dataset": {"name": "catvnoncat"},
        "classes": ["non-cat", "cat"],
        "preprocessing": dict(PICTURES),
        "training": {"learning_rate": 0.0075},
        "train_accuracy": 0.5,
        "test_accuracy": None,
    }
    return network


def model_contents(network):
    """``(arrays, header)``: copies of what ``network.save`` writes, to be made hostile."""
    arrays = {key: value.copy() for key, value in network.parameters.items()}
    header = {
        "format": "deepcat-network",
        "version": 1,
        "layer_dims": network.layer_dims,
        "activations": network.activations,
        "init": network.init,
        "seed": network.seed,
        "dtype": network.dtype.__name__,
        "frozen": network.frozen,
        "metadata": copy.deepcopy(network.metadata),
    }
    return arrays, header
