# The two commands of the README:
#   make book   install everything into .venv, then build the HTML book into _build/html
#   make test   run every test (lib unit tests, every chapter through nbval, the built book in a browser)
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: book test install clean
book: install
	$(BIN)/jupyter-book build . -W

test: install
	$(BIN)/pytest

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -r requirements.txt
	@# The browser tests drive Debian's chromium (Playwright never downloads a browser here).
	@if [ -n "$$CHROMIUM" ] || command -v chromium >/dev/null 2>&1; then :; \
	elif command -v apt-get >/dev/null 2>&1; then \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq --no-install-recommends chromium; \
	else echo "Browser tests need Chromium: install it and set CHROMIUM=/path/to/chromium"; fi
	touch $@

clean:
	rm -rf _build
