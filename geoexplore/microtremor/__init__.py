"""Microtremor: H/V with SESAME criteria, sediment thickness, array dispersion and Vs profiles."""
