"""Testing helpers shipped with geoexplore (the reader fuzzer)."""
