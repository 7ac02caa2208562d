# Two commands do all the set-up on a fresh machine:
#   make demo   - services up, a worker, the sample feed published, search results printed
#   make test   - the whole suite (unit, integration against real Kafka and Elasticsearch, plugin tests)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install demo test unit integration secure-test plugin-test services-up services-up-secure services-down eval clean

$(BIN)/coopwatch: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/coopwatch

services-up:
	deploy/local/services.sh up

services-up-secure:
	deploy/local/services.sh up --secure

services-down:
	deploy/local/services.sh down

demo: install
	deploy/demo.sh

# Integration tests start the services themselves (session fixture) when they are not running.
test: install
	deploy/local/analysis-plugin/build.sh
	$(BIN)/python -m pytest -ra

unit: install
	$(BIN)/python -m pytest -ra tests/unit

integration: install
	$(BIN)/python -m pytest -ra tests/integration

# The secured subset alone: starts (and stops) a private secured pair of services.
secure-test: install
	$(BIN)/python -m pytest -ra tests/integration/test_security.py

plugin-test:
	deploy/local/analysis-plugin/build.sh

eval: install
	$(BIN)/coopwatch eval ../shared/eval/dev.jsonl

clean:
	rm -rf $(VENV) .pytest_cache
