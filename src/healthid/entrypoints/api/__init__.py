"""The REST API (FastAPI): thin routes over the services, problem+json errors."""
