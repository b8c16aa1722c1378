"""Haven: casebase."""
