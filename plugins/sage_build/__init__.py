from .sage_build import register

__all__ = ["register"]
