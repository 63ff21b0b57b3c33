from .sage_reader import register

__all__ = ["register"]
