"""Generators of the fictional demo and benchmark data sets (not part of the installed product)."""
