"""Rule-based engines: Numba kernels that take arrays and seeds and return arrays.

They never draw and never touch global random state; the canvas draws what
they return.
"""
