"""archatlas: architecture as code, validated and rendered as an MkDocs site."""

# The one place the version is written: pyproject.toml reads it from here.
__version__ = "0.1.0"
