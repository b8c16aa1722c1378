"""Benchmarks: ``python -m bench`` runs every ``bench/*.py`` module's ``run()``."""
