"""grectl: GRE-over-IPsec overlay controller."""
__version__ = "0.1.0"
