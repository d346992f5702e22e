"""HealthID VN: the national health identifier registry of Quyết định 4376/QĐ-BYT."""

__version__ = "0.1.0"
