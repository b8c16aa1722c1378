"""The reviewers authenticated vault API (its own Flask app, port 8083)."""
