"""Pipeline: typed step settings, the step registry, workflows and the Dask runner."""
