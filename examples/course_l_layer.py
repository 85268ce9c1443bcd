"""Reproduce the course's L-layer cat classifier with the seed articles' own building blocks.

    DEEPCAT_DATA=path/to/catvnoncat python examples/course_l_layer.py [--iterations N] [DATA_DIR]

Composes initialize_parameters, model_forward, compute_cost, model_backward and
update_parameters by hand, as the articles do, and prints the cost every 100
iterations next to the accuracies. The 2500 iterations take about half a minute on two
cores: this is the readable loop, one full pass over the 209 pictures per iteration, without
the buffers and fused steps of ``deepcat train`` (which does the same run in under a second).
"""

import argparse
import time

import numpy as np

from deepcat import (
    compute_cost,
    initialize_parameters,
    model_backward,
    model_forward,
    predict,
    update_parameters,
)
from deepcat.data import load_catvnoncat

COURSE_ITERATIONS = 2500


def main(data_dir=None, iterations=COURSE_ITERATIONS):
    data = load_catvnoncat(data_dir)
    train_x, train_y = data.train_x, data.train_y  # (12288, 209), (1, 209)
    test_x, test_y = data.test_x, data.test_y  # (12288, 50), (1, 50)

    layer_dims = [12288, 20, 7, 5, 1]
    print(f"training {layer_dims} for {iterations} iterations; the cost every 100:")
    start = time.perf_counter()
    parameters = initialize_parameters(layer_dims, init="lecun", seed=1)
    for i in range(iterations):
        AL, caches = model_forward(train_x, parameters)
        cost = compute_cost(AL, train_y)
        gradients = model_backward(AL, train_y, caches)
        update_parameters(parameters, gradients, learning_rate=0.0075)
        if i % 100 == 0 or i == iterations - 1:
            print(f"Cost after iteration {i}: {cost:.6f}")

    for name, x, y in (("train", train_x, train_y), ("test", test_x, test_y)):
        correct = int(np.sum(predict(x, parameters) == y))
        print(f"{name} accuracy: {correct}/{y.shape[1]} = {correct / y.shape[1]:.4f}")
    print(f"took {time.perf_counter() - start:.1f} s")


def positive_count(text):
    """An argparse type: a whole number of iterations, at least 1."""
    try:
        count = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text!r}") from None
    if count < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {count}")
    return count


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", nargs="?", help="folder with the course's two .h5 files")
    parser.add_argument(
        "--iterations",
        type=positive_count,
        default=COURSE_ITERATIONS,
        help=f"gradient descent steps (the course's: {COURSE_ITERATIONS})",
    )
    arguments = parser.parse_args()
    main(arguments.data_dir, arguments.iterations)
