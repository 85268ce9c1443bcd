"""Placeholder until the training page lands."""

ROUTES = []


class Trainer:
    def __init__(self, runs_dir, catalogue):
        self.runs_dir = runs_dir

    def shutdown(self):
        pass
