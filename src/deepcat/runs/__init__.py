"""A run of deepcat, whichever front end starts it: the command line or the web application.

- :mod:`~deepcat.runs.train`: a run's settings (base, data set's, user's), the network, training
  with progress, and writing every learning rate's files;
- :mod:`~deepcat.runs.files`: the files of one run (model, ``metrics.json``, figures);
- :mod:`~deepcat.runs.folder`: the staged RUN_DIR and what ``--force`` may replace;
- :mod:`~deepcat.runs.claim`: one command at a time per RUN_DIR;
- :mod:`~deepcat.runs.evaluation`: evaluating a model on a data set, predicting pictures;
- :mod:`~deepcat.runs.option_types`: the text of a setting, read by its declared rule;
- :mod:`~deepcat.runs.messages`: what the library's errors read as.
"""
