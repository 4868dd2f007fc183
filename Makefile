# Two commands: `make book` builds the book, `make test` runs every test (the book build included).
# Both create .venv from requirements.lock (exact versions) on first use; nothing is installed by hand.

SHELL  := /bin/bash
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
SEED   ?= 2025
JOBS   ?= 2

.PHONY: book test venv data lint clean lock pdf

venv: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || \
		{ echo "error: Python 3.11 or newer is needed (set PYTHON=python3.x)" >&2; exit 2; }
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --disable-pip-version-check --quiet --require-virtualenv -r requirements.lock
	$(BIN)/python -m pip install --disable-pip-version-check --quiet --no-deps --no-build-isolation -e .
	touch $@

# `make book DATA=path/to/lesions.csv` rebuilds every chapter on another lesion table.
# The table is checked before Sphinx starts (one `error:` line, exit 2); after a failed build
# tools/build_book.py prints the notebook tracebacks.
book: $(STAMP)
	@$(if $(DATA),MICROCALC_LESIONS="$(abspath $(DATA))") \
		$(BIN)/python tools/build_book.py --out _build/html --jobs $(JOBS)
	@echo "The book is in _build/html/index.html"

test: $(STAMP)
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/python -m pytest

data: $(STAMP)
	$(BIN)/python -m microcalc simulate --seed $(SEED) --out data --force

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/ruff format --check src tests benchmarks tools

lock:
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^microcalc' > requirements.lock.new
	echo "setuptools==80.9.0" >> requirements.lock.new
	mv requirements.lock.new requirements.lock

clean:
	rm -rf _build .pytest_cache .hypothesis conf.py

# `make pdf` builds the book, then prints it to _build/book.pdf with headless Chromium (offline).
pdf: book
	$(BIN)/python tools/pdf_book.py --html _build/html --out _build/book.pdf
