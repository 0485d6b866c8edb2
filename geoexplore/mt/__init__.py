"""Magnetotellurics: time series to transfer functions, EDI, phase tensors, 1D and 2D inversion."""
