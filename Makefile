# The two set-up commands of the README are `make app` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip

.PHONY: install app test lint bench clean reliability

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed

app: install
	@test -f data/demo.duckdb || $(VENV)/bin/assistant demo
	$(VENV)/bin/assistant serve

# pytest exits 5 when it collects nothing: that is a failure here, not a pass.
test: install
	GRADIO_ANALYTICS_ENABLED=False $(PY) -m pytest -q

# Long security and reliability checks (loader killed mid-load, 20 people at once).
reliability: install
	RELIABILITY=1 GRADIO_ANALYTICS_ENABLED=False $(PY) -m pytest -q -s -m slow tests/security

lint: install
	$(VENV)/bin/ruff check assistant tests benchmarks

bench: install
	$(PY) benchmarks/run.py

clean:
	rm -rf $(VENV) data/demo.duckdb
