# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # The seed articles' cat classifiers, with `deepcat.course`
#
# Two of deepcat's seed articles build a cat classifier from scratch in NumPy, each with its
# own functions:
#
# * **seed 000** writes an L-layer network whose activations are listed per layer,
#   `['none', 'relu', 'relu', 'relu', 'sigmoid']` (the first entry stands for the input layer
#   and is never used), trained by `nn_model(X, Y, init_parameters,
#   layer_activation_functions, learning_rate, num_iterations)`;
# * **seed 001** writes a two-layer network, LINEAR -> RELU -> LINEAR -> SIGMOID, with
#   `forwardpass`, `backwardpass` and `nn_model(X, Y, n_h, num_iterations, learning_rate,
#   print_cost)`, and prints its costs and accuracies.
#
# `deepcat.course.seed_000` and `deepcat.course.seed_001` hold those functions under the
# seeds' names and signatures, so the seeds' code runs with only its import line changed. This
# notebook runs both on the course's 209 training pictures and 50 test pictures, draws their
# cost curves, prints their accuracies and shows the test pictures seed 001's network gets
# wrong.
#
# Run it in Jupyter (`jupytext --to notebook docs/notebooks/course_seeds.py`) or as a plain
# script, `python docs/notebooks/course_seeds.py`. The figures are written as PNG files to the
# folder named by `DEEPCAT_NOTEBOOK_OUT` (the current folder by default); the course's two
# `.h5` files are found through `DEEPCAT_DATA`, or in `./datasets`.

# %%
import os
import sys
import time
from pathlib import Path

import matplotlib

# A script run without a display (a server, a test) draws with Agg; Jupyter keeps its own.
if (
    "ipykernel" not in sys.modules
    and not os.environ.get("MPLBACKEND")
    and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
):
    matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np

from deepcat.course import seed_000, seed_001
from deepcat.data import load_catvnoncat
from deepcat.plots import plot_costs, plot_mislabeled

OUT = Path(os.environ.get("DEEPCAT_NOTEBOOK_OUT", "."))
OUT.mkdir(parents=True, exist_ok=True)

# %% [markdown]
# ## The data
#
# The course's pictures are 64 x 64 RGB. Each becomes one column of 64 * 64 * 3 = 12288
# numbers, divided by 255 so that they lie between 0 and 1. Seed 001 prints the same shapes,
# and picture 166 as its example of a cat.

# %%
dataset = load_catvnoncat()
train_x_orig, train_y = dataset.train_x_orig, dataset.train_y
test_x_orig, test_y = dataset.test_x_orig, dataset.test_y
classes = dataset.classes

index = 166
print(f"y = {train_y[0, index]}. It's a {classes[train_y[0, index]]} picture.")
print("train_x_orig shape: " + str(train_x_orig.shape))
print("train_y shape: " + str(train_y.shape))
print("test_x_orig shape: " + str(test_x_orig.shape))
print("test_y shape: " + str(test_y.shape))

train_x = train_x_orig.reshape(train_x_orig.shape[0], -1).T / 255.0
test_x = test_x_orig.reshape(test_x_orig.shape[0], -1).T / 255.0
print("train_x's shape: " + str(train_x.shape))
print("test_x's shape: " + str(test_x.shape))

# %% [markdown]
# ## Seed 001: two layers, 12 hidden units
#
# Seed 001 trains 12 ReLU units for 2500 iterations at learning rate 0.007. Its
# `initialize_parameters` calls `np.random.seed(1)` before drawing `randn * 0.01`;
# deepcat draws the same numbers from a private generator, so the run is the seed's and your
# own random state is left alone. The seed printed:
#
# ```
# Cost after iteration 0: 0.6933973875299138
# Cost after iteration 500: 0.5054817305127275
# Cost after iteration 1000: 0.3024003130312214
# Cost after iteration 1500: 0.10870519536443567
# Cost after iteration 2000: 0.05241476625572783
# Cost after iteration 2499: 0.030590797593466793
# ```
#
# The last digit or two of such 17-digit numbers depend on the order in which your BLAS
# library adds up the 12288 products behind each entry of `W1 X`; expect agreement to about 15
# digits. This cell takes some 20 to 40 seconds.

# %%
start = time.perf_counter()
parameters = seed_001.nn_model(
    train_x, train_y, 12, num_iterations=2500, learning_rate=0.007, print_cost=True
)
print(f"({time.perf_counter() - start:.0f} s)")

# %% [markdown]
# `nn_model` drew the seed's cost curve, on a logarithmic axis, in matplotlib's figure 1;
# here it is saved as a PNG.

# %%
plt.figure(1).savefig(OUT / "seed_001_costs.png", dpi=100)
print(f"cost curve: {OUT / 'seed_001_costs.png'}")

# %% [markdown]
# The seed's `predict` prints the accuracy as `np.sum((p == y) / m)`: a perfect score on the
# 209 training pictures comes out as `0.9999999999999998`, 209 times `1/209` added up. The seed
# printed `Accuracy: 0.9999999999999998` for training and `Accuracy: 0.74` for test.

# %%
print("Training accuracy:")
predictions_train = seed_001.predict(train_x, train_y, parameters)
print("Testing accuracy:")
predictions_test = seed_001.predict(test_x, test_y, parameters)

# %% [markdown]
# ### The pictures it gets wrong
#
# Every training picture is right and a quarter of the test pictures are wrong: the network
# has learnt its 209 pictures rather than what makes a cat. Here are the test pictures it
# mislabels.

# %%
wrong = plot_mislabeled(
    test_x_orig,
    predictions_test.astype(int),
    test_y,
    classes,
    OUT / "seed_001_mislabeled.png",
)
print(
    f"{wrong} of the {test_y.shape[1]} test pictures mislabeled: {OUT / 'seed_001_mislabeled.png'}"
)

# %% [markdown]
# ## Seed 000: activations listed per layer
#
# Seed 000's example network is `layer_dims = [12288, 20, 7, 10, 1]`, ReLU on the three
# hidden layers and a sigmoid output, trained at learning rate 0.0075 for 3000 iterations.
# The seed draws its initial weights, `randn / sqrt(n_{l-1})`, from NumPy's global generator
# without a seed; deepcat's `initialize_parameters` takes an optional `seed` instead. Unlike
# seed 001's, seed 000's `nn_model` prints nothing: it returns the parameters and the costs of
# iterations 0, 100, 200, ...
#
# Seed 000 trained on a set of 100 pictures of its own; here it trains on the course's 209.
# Its 3000 iterations take about a minute, so this notebook runs 300 of them, enough to see
# the cost fall; set `SEED_000_ITERATIONS = 3000` to run the seed's whole example.

# %%
SEED_000_ITERATIONS = 300

layer_dims = [12288, 20, 7, 10, 1]
layer_activation_functions = ["none", "relu", "relu", "relu", "sigmoid"]
learning_rate = 0.0075
init_parameters = seed_000.initialize_parameters(layer_dims, seed=1)

start = time.perf_counter()
parameters_000, costs_000 = seed_000.nn_model(
    train_x,
    train_y,
    init_parameters,
    layer_activation_functions,
    learning_rate,
    SEED_000_ITERATIONS,
)
print(f"{SEED_000_ITERATIONS} iterations ({time.perf_counter() - start:.0f} s)")
for k, cost in enumerate(costs_000):
    print(f"cost at iteration {100 * k}: {float(cost):.6f}")

# %%
plot_costs(
    [(100 * k, float(cost)) for k, cost in enumerate(costs_000)],
    learning_rate,
    OUT / "seed_000_costs.png",
)
print(f"cost curve: {OUT / 'seed_000_costs.png'}")

# %%
for name, X, Y in (("train", train_x, train_y), ("test", test_x, test_y)):
    y_new = seed_000.nn_model_predict(X, parameters_000, layer_activation_functions)
    accuracy = np.mean(y_new == Y)
    print(f"seed 000, {name} accuracy after {SEED_000_ITERATIONS} iterations: {accuracy:.3f}")

# %% [markdown]
# ## Where to go next
#
# * `deepcat.course.seed_003` has seed 003's `dnn_model`, the course's L-layer model under
#   its seed's name; with `layers_dims = [12288, 20, 7, 5, 1]` it reproduces the course's
#   published costs.
# * The course's own notebooks are in `deepcat.course` too: `planar` (week 3),
#   `step_by_step` and `application` (week 4).
