"""Use cases as plain functions over the ports in ``ports.py``."""
