"""The deeplearning.ai assignments' functions, under the course's names and signatures.

Each module is one notebook: a learner's code runs against it with only its import line
changed, for instance ``from deepcat.course.step_by_step import *``. The functions are built on
deepcat's own building blocks (:mod:`deepcat.core`); where the course's function reseeds NumPy's
global generator, deepcat's draws the same numbers from a private generator instead, so the
published figures come out and the caller's random state is left alone.

==========================  ==================================================================
module                      course notebook
==========================  ==================================================================
``logistic_regression``     C1 W2 "Logistic Regression with a Neural Network mindset"
``planar``                  C1 W3 "Planar data classification with one hidden layer"
``step_by_step``            C1 W4 "Building your Deep Neural Network: Step by Step"
``application``             C1 W4 "Deep Neural Network - Application" (and ``dnn_app_utils``)
``initialization``          C2 W1 "Initialization"
``regularization``          C2 W1 "Regularization"
``gradient_checking``       C2 W1 "Gradient Checking"
``optimization``            C2 W2 "Optimization Methods"
``seed_000`` ...            the seed articles' own variants (``nn_model``, ``forwardpass``, ...)
==========================  ==================================================================

docs/course.md lists every function, its home and the published figure it reproduces.
"""
