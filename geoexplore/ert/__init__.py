"""High-density resistivity (ERT): instrument files, QC and error models, 2D inversion with DOI."""
