# Set-up and everyday commands. Every target installs what it needs first,
# so each works on a fresh clone: `make site` and `make test` are the two
# commands in the README. Debian packages are installed with apt-get (as
# root, or through sudo) only when their command is missing.

VENV ?= .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT := DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends

.PHONY: site serve check schema rules-doc test lint system-deps browser-deps

$(BIN)/archatlas: pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

# Graphviz's dot has no working pip package: take Debian's, with a font.
system-deps:
	@command -v dot >/dev/null || { $(SUDO) apt-get update -q && $(APT) graphviz fonts-dejavu-core; }

# The browser tests drive Debian's Chromium (no browser download needed).
browser-deps:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -q && $(APT) chromium; }

site: $(BIN)/archatlas system-deps
	$(BIN)/mkdocs build --strict

serve: $(BIN)/archatlas system-deps
	$(BIN)/mkdocs serve

check: $(BIN)/archatlas
	$(BIN)/archatlas check architecture

schema: $(BIN)/archatlas
	$(BIN)/archatlas schema > schema/archatlas.schema.json

# The rules reference is generated from the rules' declarations.
rules-doc: $(BIN)/archatlas
	$(BIN)/python -m archatlas.rules_doc > docs/reference/rules.md

lint: $(BIN)/archatlas
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: $(BIN)/archatlas system-deps browser-deps lint
	$(BIN)/pytest
