"""Fault interpretation across methods, activity classification and hazard (magnitude, setbacks)."""
