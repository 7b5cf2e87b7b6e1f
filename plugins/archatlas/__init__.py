"""archatlas: architecture as code, validated and rendered as an MkDocs site."""

# The one place the version is written: pyproject.toml reads it from here.
# A constant, not importlib.metadata, which costs every command 60 ms.
__version__ = "0.1.0"
