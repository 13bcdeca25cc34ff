"""Vegvis: case handling and reporting for patients' access to treatment beyond the standard offer."""

__version__ = "0.1.0"
