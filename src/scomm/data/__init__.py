"""Packaged jurisdiction and population data; provenance in MANIFEST.yaml."""
