"""Core: errors, profile geometry and CRS, the geological model, the HDF5 project store, provenance."""
