"""Match policy: normalisation, blocking keys, scoring and decisions ."""
