"""Service Sage: the publication's own library, used by the plugins and tasks.py."""
