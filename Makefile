# ChainKG — one command for the demo, one for the tests.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Tests get their own store and port so they never touch the demo graph.
TEST_HOME ?= $(CURDIR)/.chainkg/test
TEST_PORT ?= 7688
PYTEST_ARGS ?=
DEMO_ARGS ?=
# Locked dependencies (hashes): runtime only for the demo, runtime + [dev,lac] for development.
RUNTIME_LOCK := requirements/runtime.lock
DEV_LOCK := requirements/dev.lock
UV_VERSION ?= 0.13.9

.PHONY: setup setup-runtime demo test bench lint lock notebooks clean-store browser

setup: $(VENV)/.installed graph/launcher/target/lib

# The demo needs no test tools: runtime dependencies only (a full `make setup` is a superset).
setup-runtime: $(VENV)/.installed-runtime graph/launcher/target/lib

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: $(DEV_LOCK) pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q --require-hashes -r $(DEV_LOCK)
	$(BIN)/pip install -q --no-deps -e .
	@touch $@ $(VENV)/.installed-runtime

$(VENV)/.installed-runtime: $(RUNTIME_LOCK) pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q --require-hashes -r $(RUNTIME_LOCK)
	$(BIN)/pip install -q --no-deps -e .
	@touch $@

graph/launcher/target/lib: graph/launcher/pom.xml graph/launcher/src/main/java/chainkg/Launcher.java
	$(BIN)/chainkg server build
	@touch $@

# Regenerate both lockfiles from pyproject.toml (keeps current pins; UPGRADE=1 takes the newest allowed).
# uv is used only here (pip installs from the locks); it comes from PyPI into the venv.
lock: | $(BIN)/python
	@$(BIN)/pip install -q "uv==$(UV_VERSION)"
	$(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes -q \
	  --custom-compile-command "make lock" $(if $(UPGRADE),--upgrade) -o $(RUNTIME_LOCK)
	$(BIN)/uv pip compile pyproject.toml --extra dev --extra lac --universal --python-version 3.11 --generate-hashes -q \
	  --custom-compile-command "make lock" $(if $(UPGRADE),--upgrade) -o $(DEV_LOCK)
	@echo "locks refreshed: review 'git diff requirements/' and run make setup"

# Debian's Chromium for the browser tests (Playwright drives /usr/bin/chromium; never downloads one).
browser:
	@{ command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi wqy; } || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; \
	  else echo "install Debian's chromium and fonts-wqy-microhei (sudo apt-get install ...) for the browser tests"; fi; }

# Works with or without a terminal and a display: no prompt; a browser opens only on a desktop.
demo: setup-runtime
	$(BIN)/chainkg demo $(DEMO_ARGS)

test: setup browser
	@bash tools/run_tests.sh $(PYTEST_ARGS)

# Re-execute the research notebooks against the demo graph and save them with their outputs.
notebooks: setup
	$(BIN)/chainkg demo --no-app
	$(BIN)/python tools/run_notebooks.py

bench: setup
	@bash tools/run_bench.sh

lint: setup
	$(BIN)/ruff check .

clean-store:
	-$(BIN)/chainkg server stop
	rm -rf .chainkg
