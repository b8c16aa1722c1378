"""The do-no-harm release gate, release packages, tombstones and the outbox (S18–S20).

Plain modules (no Flask): ``rules`` (the eight rules), ``gate.run_gate``, ``facts``,
``generalise``, ``anonymity``, ``draft``, ``package``, ``keys``, ``outbox``, ``metadata``,
``settings``. Flask-side glue: ``context``, ``service``, ``runtime``; the views are
``reviewer/release_views.py``. See README.md in this folder.
"""
