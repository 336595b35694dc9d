# ChainKG — one command for the demo, one for the tests.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Tests get their own store and port so they never touch the demo graph.
TEST_HOME ?= $(CURDIR)/.chainkg/test
TEST_PORT ?= 7688
PYTEST_ARGS ?=

.PHONY: setup demo test bench lint clean-store browser

setup: $(VENV)/.installed graph/launcher/target/lib

$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	@touch $@

graph/launcher/target/lib: graph/launcher/pom.xml graph/launcher/src/main/java/chainkg/Launcher.java
	$(BIN)/chainkg server build
	@touch $@

# Debian's Chromium for the browser tests (Playwright drives /usr/bin/chromium; never downloads one).
browser:
	@{ command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi wqy; } || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; \
	  else echo "install Debian's chromium and fonts-wqy-microhei (sudo apt-get install ...) for the browser tests"; fi; }

demo: setup
	$(BIN)/chainkg demo

test: setup browser
	@bash tools/run_tests.sh $(PYTEST_ARGS)

bench: setup
	@bash tools/run_bench.sh

lint: setup
	$(BIN)/ruff check .

clean-store:
	-$(BIN)/chainkg server stop
	rm -rf .chainkg
