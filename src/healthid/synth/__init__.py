"""Synthetic Vietnamese populations for tests and benchmarks. Never imported by the registry."""
