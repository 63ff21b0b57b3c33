from .sage_themes import register

__all__ = ["register"]
