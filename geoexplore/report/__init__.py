"""Report: figure style, composite figures, report writers."""
