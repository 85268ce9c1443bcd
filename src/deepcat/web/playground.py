"""Placeholder until the playground lands."""

ROUTES = []


class Playgrounds:
    pass
