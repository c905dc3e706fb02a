# Plenary: `make run` serves the demo, `make test` checks everything.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
UV = $$(command -v uv 2>/dev/null || echo .tools/bin/uv)
VENV_BIN := .venv/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint venv chromium bench clean

venv: .venv/.synced

.venv/.synced: pyproject.toml uv.lock
	@command -v uv >/dev/null 2>&1 || test -x .tools/bin/uv || \
		{ echo "Installing uv with pip into .tools/"; python3 -m venv .tools && .tools/bin/pip install --quiet uv; }
	$(UV) sync --frozen --python python3.11
	@touch $@

run: venv
	$(VENV_BIN)/plenary migrate --noinput
	$(VENV_BIN)/plenary demo
	$(VENV_BIN)/plenary serve --host $(HOST) --port $(PORT) --with-worker

# Debian's Chromium for the browser tests: installed when missing and we are root with apt.
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing Debian's Chromium for the browser tests"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else echo "Chromium is missing and cannot be installed here (needs root and apt)"; fi; \
	fi

lint: venv
	$(VENV_BIN)/ruff check .
	$(VENV_BIN)/ruff format --check .
	PLENARY_ENV=test $(VENV_BIN)/plenary makemigrations --check --dry-run

test: venv chromium lint
	PLENARY_ENV=test $(VENV_BIN)/pytest

bench: venv
	$(VENV_BIN)/python -m bench

clean:
	rm -rf .venv .tools var/test.sqlite3
