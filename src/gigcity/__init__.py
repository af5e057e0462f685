"""gigcity: the district platform for new-employment workers and its dispatch engine."""

__version__ = "0.1.0"

__all__ = ["__version__"]
