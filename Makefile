# The two commands of the README:
#   make book   install everything into .venv, then build the HTML book into _build/html
#   make test   lint (ruff), then run every test (lib unit tests, every chapter through nbval, the book in a browser);
#               it first installs Debian's chromium for the browser tests if there is none (root or sudo)
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: book test install browser clean
book: install
	$(BIN)/jupyter-book build . -W

test: install browser
	$(BIN)/ruff check .   # lib, tests, bench, _ext and the chapters' code (pyproject.toml [tool.ruff])
	$(BIN)/pytest

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -r requirements.txt
	touch $@

# The browser tests drive Debian's chromium (Playwright never downloads a browser here).
browser:
	@if [ -n "$$CHROMIUM" ] || command -v chromium >/dev/null 2>&1; then :; \
	elif command -v apt-get >/dev/null 2>&1; then \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq --no-install-recommends chromium; \
	else echo "Browser tests need Chromium: install it and set CHROMIUM=/path/to/chromium"; fi

clean:
	rm -rf _build
