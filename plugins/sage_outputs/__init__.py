from .sage_outputs import register

__all__ = ["register"]
