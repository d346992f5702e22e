"""Implementations of the service ports: SQLAlchemy store, crypto, key ring, data files."""
