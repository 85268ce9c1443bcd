"""deepcat in the browser: ``deepcat serve`` starts it (:mod:`deepcat.web.server`).

A Starlette application (:func:`deepcat.web.app.create_app`) served by uvicorn. The pages are
Jinja templates under ``templates/`` and JavaScript under ``static/`` that only draws; every
number on them comes from deepcat's own code, through the JSON endpoints of these modules:

- :mod:`~deepcat.web.catalogue` and :mod:`~deepcat.web.run_record`: the runs under ``--runs``,
  found by name, never by a path, their ``metrics.json`` checked field by field;
- :mod:`~deepcat.web.predict`: "Is it a cat?", pictures answered by a run's model;
- :mod:`~deepcat.web.runs_pages`: the runs, their metrics, costs and figures;
- :mod:`~deepcat.web.training`, :mod:`~deepcat.web.jobs` and :mod:`~deepcat.web.event_log`:
  training runs started from a form, watched live, stopped;
- :mod:`~deepcat.web.playground`, :mod:`~deepcat.web.playground_spec` and
  :mod:`~deepcat.web.playground_session`: a small network on 2-D points, trained step by step;
- :mod:`~deepcat.web.forms`: the forms' fields, read from the settings' one declaration;
- :mod:`~deepcat.web.http`: errors as JSON, request limits, and refusing cross-site writes.
"""
