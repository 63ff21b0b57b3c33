from .sage_content import register

__all__ = ["register"]
