"""Presenting results: the console, briefs, charts and maps."""
