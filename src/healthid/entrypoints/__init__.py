"""Thin ways in: the command line (and later the HTTP API and the portal)."""
