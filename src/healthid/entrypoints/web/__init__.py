"""The web portal: server-rendered pages beside the API, sharing its services and audit."""
