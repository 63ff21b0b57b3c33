from .sage_newsletter import register

__all__ = ["register"]
