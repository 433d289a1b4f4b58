# Everything runs inside .venv; `make setup` creates it (other targets create it when missing).
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup test test-unit test-docker lint format bench sandbox-image rewrite eval clean

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@# The local sandbox isolates jobs with bubblewrap when no Docker daemon answers: install it
	@# where we may (root with apt-get), else say how.
	@command -v bwrap >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
		&& (apt-get update -qq && apt-get install -y -qq bubblewrap >/dev/null) ; } \
		|| echo "note: bubblewrap is not installed; without Docker the local sandbox refuses (apt-get install bubblewrap)"
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e '.[dev]'
	touch $(STAMP)

test: $(STAMP)
	$(BIN)/pytest -q

test-unit: $(STAMP)
	$(BIN)/pytest -q -m "not docker and not e2e and not slow"

test-docker: $(STAMP)
	$(BIN)/pytest -q -m "docker"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	$(BIN)/python -m benchmarks

sandbox-image: $(STAMP)
	$(BIN)/lester sandbox build

rewrite: $(STAMP)
	@test -n "$(FILE)" || (echo "usage: make rewrite FILE=path/to/messy.py (or a notebook .ipynb)" >&2; exit 2)
	$(BIN)/lester rewrite $(FILE) $(ARGS)

eval: $(STAMP)
	$(BIN)/lester eval $(ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build *.egg-info
