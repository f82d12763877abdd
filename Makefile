# servicehall: `make run` starts the demo hall, `make test` runs every test.
PYTHON ?= python3.13
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
HOST ?= 127.0.0.1
WORKERS ?= 1
# Reverse proxies whose X-Forwarded-For is believed (comma-separated addresses or networks); empty: none,
# every limit per client counts the connection's own address. The app reads the same variable.
TRUSTED_PROXIES ?=
# Test processes (pytest-xdist) for the tests without a browser: one per core; a file stays on one process.
TEST_WORKERS ?= auto
# 0 skips the browser tests: CI runs them on SQLite only, to stay within its time on two cores.
BROWSER_TESTS ?= 1
export DJANGO_SETTINGS_MODULE := servicehall.settings

.PHONY: run test check install voice browser-deps pdf-deps cluster-deps demo migrate lint format messages bench clean

$(VENV)/.installed: requirements-dev.lock
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.13 is needed ($(PYTHON) not found)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check uv==0.13.8
	$(VENV)/bin/uv pip install --quiet --python $(PY) -r requirements-dev.lock
	touch $@

install: $(VENV)/.installed

# Mandarin clips for the display board, recorded with Debian's espeak-ng.
voice: install
	@./scripts/ensure-debian-packages.sh espeak-ng || echo "espeak-ng unavailable: boards will use the browser's voice only"
	$(PY) manage.py build_voice

browser-deps: pdf-deps
	./scripts/ensure-debian-packages.sh chromium fonts-noto-cjk espeak-ng gettext

# The cluster drill (bench/cluster.py): nginx in front of several app nodes, and openssl for its certificate.
cluster-deps: install
	./scripts/ensure-debian-packages.sh nginx openssl

# Receipts and invoices as PDF: WeasyPrint needs Pango and a Chinese font.
pdf-deps:
	./scripts/ensure-debian-packages.sh fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

run: install pdf-deps voice demo
	@if [ "$(WORKERS)" != "1" ] && [ -z "$$REDIS_URL" ]; then \
		echo "WORKERS=$(WORKERS) needs REDIS_URL: without Redis, pushes to the live screens stay inside one worker."; exit 1; fi
	$(PY) manage.py collectstatic --noinput --verbosity 0
	@echo "servicehall demo hall: http://$(HOST):$(PORT)/"
	@# The scheduled commands (escalations, expiries, end of day) run beside the web server and stop with it.
	$(PY) manage.py run_schedule & scheduler=$$!; trap 'kill $$scheduler 2>/dev/null' EXIT INT TERM; \
	$(VENV)/bin/uvicorn servicehall.asgi:application --host $(HOST) --port $(PORT) --workers $(WORKERS) --no-access-log \
		$(if $(strip $(TRUSTED_PROXIES)),--proxy-headers --forwarded-allow-ips "$(TRUSTED_PROXIES)",--no-proxy-headers)

test: install browser-deps voice
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(VENV)/bin/pytest -n $(TEST_WORKERS) --dist loadfile -m "not browser" $(PYTEST_ARGS)
	@# Browser tests one at a time: a live server and Chromium each, timed by what the page shows.
	@if [ "$(BROWSER_TESTS)" = "0" ]; then echo "Browser tests skipped (BROWSER_TESTS=0)."; \
	else $(VENV)/bin/pytest -m browser $(PYTEST_ARGS); fi

check: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy servicehall testsupport
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run
	SERVICEHALL_PRODUCTION=1 SECRET_KEY=check-only-$$(date +%s)-a-long-random-enough-secret-key-value-xyz \
		ALLOWED_HOSTS=hall.example.com $(PY) manage.py check --deploy --fail-level WARNING

lint: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Refresh both translation catalogues after changing visible strings.
messages: install
	$(PY) scripts/i18n.py

bench: install
	$(PY) bench/queue.py

clean:
	rm -rf $(VENV) var
