"""Notebook 00 (start here: the interview framework): the warm-up exercise's reference answers (``similarity``)."""
