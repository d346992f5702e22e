"""The ``healthid`` command line."""
