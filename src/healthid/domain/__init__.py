"""Pure rules of the registry: the Health ID, identifiers, names, persons (stdlib only)."""
