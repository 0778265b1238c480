# Parley's two front-door commands: `make run` and `make test`.
# Both bootstrap a Python 3.10 virtualenv (.venv) from the lock file first.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
# The browser tests drive Debian's Chromium (Playwright never downloads a browser here).
CHROMIUM := /usr/bin/chromium
# `make bench-scale` puts Debian's nginx in front of two Rasa servers.
NGINX := /usr/sbin/nginx
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export TF_CPP_MIN_LOG_LEVEL := 2


.PHONY: run test train lint validate stories nlu-report bench conversations bench-scale lock audit clean

run: $(INSTALLED)
	$(PY) -m bot.cli run

test: $(INSTALLED) $(CHROMIUM)
	$(PY) -m bot.cli train
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy bot channels actions
	$(PY) -m bot.data_check
	$(PY) -m pytest
	$(MAKE) --no-print-directory stories

train: $(INSTALLED)
	$(PY) -m bot.cli train

# Every test story under tests/stories must pass, NLU included (end-to-end).
stories: $(INSTALLED)
	$(PY) -m bot.rasa_process test core --model "$$($(PY) -m bot.cli model)" \
	  --stories tests/stories --out results/stories --fail-on-prediction-errors

# Intent and entity F1 on the held-out examples in tests/nlu (never trained on).
nlu-report: $(INSTALLED)
	$(PY) -m rasa test nlu --model "$$($(PY) -m bot.cli model)" \
	  --nlu tests/nlu/holdout.yml --out results/nlu

# Parley against stock Rasa (`rasa init`) on this machine; ends with a RESULT line.
bench: $(INSTALLED)
	$(PY) -m bench

# A crowd of simulated visitors against a fresh stack, checked in the CRM; ends with a RESULT line.
conversations: $(INSTALLED)
	$(PY) -m bench.conversations

# Two Rasa servers behind nginx against one, on PostgreSQL and Redis; ends with a RESULT line.
bench-scale: $(INSTALLED) $(NGINX)
	$(PY) -m bench.scale_out

# Re-pin requirements.lock after editing pyproject.toml's dependencies.
lock: $(INSTALLED)
	$(VENV)/bin/pip-compile --quiet --extra dev --strip-extras --no-emit-index-url \
	  --no-emit-find-links -o requirements.lock pyproject.toml

# Every pin of the lock file against PyPI's advisory data (needs pypi.org; not part of
# `make test`). pip-audit's own dependencies clash with Rasa's pins, so it gets a
# virtualenv of its own. --strict: a pin it could not look up fails the audit.
# CVE-2026-54283 (Starlette 0.50's unlimited url-encoded forms) is known: FastAPI 0.125
# caps Starlette below the fix, and bot/api/form_limit.py refuses such forms unparsed.
AUDIT_VENV := .venv-audit
audit: $(INSTALLED)
	@[ -x $(AUDIT_VENV)/bin/pip-audit ] || { $(PY) -m venv $(AUDIT_VENV) \
	  && $(AUDIT_VENV)/bin/pip install --quiet "pip-audit==2.10.1"; }
	$(AUDIT_VENV)/bin/pip-audit --requirement requirements.lock --no-deps --disable-pip \
	  --strict --progress-spinner off --ignore-vuln CVE-2026-54283

$(INSTALLED): pyproject.toml requirements.lock
	@py=""; \
	if command -v python3.10 >/dev/null 2>&1 && python3.10 -c '' >/dev/null 2>&1; then \
	  py=$$(command -v python3.10); \
	elif command -v pyenv >/dev/null 2>&1; then \
	  v=$$(pyenv versions --bare 2>/dev/null | grep -E '^3\.10(\.[0-9]+)?$$' | sort -V | tail -n 1); \
	  if [ -n "$$v" ]; then py="$$(pyenv root)/versions/$$v/bin/python"; fi; \
	fi; \
	if [ -z "$$py" ]; then \
	  echo "Parley needs Python 3.10 (Rasa 3.6 supports 3.8-3.10). Install it, e.g. 'pyenv install 3.10.13', or put python3.10 on PATH." >&2; \
	  exit 1; \
	fi; \
	echo "Using $$py ($$($$py --version))"; \
	if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null; then \
	  rm -rf $(VENV); "$$py" -m venv $(VENV); \
	fi
	$(PY) -m pip install --quiet --upgrade "pip==24.2"
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $(INSTALLED)

$(CHROMIUM):
	@echo "Installing Debian's chromium for the browser tests ..."
	$(SUDO) apt-get install -y --no-install-recommends chromium \
	  || { $(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends chromium; }

$(NGINX):
	@echo "Installing Debian's nginx for make bench-scale ..."
	$(SUDO) apt-get install -y --no-install-recommends nginx \
	  || { $(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends nginx; }

clean:
	rm -rf results .mypy_cache .ruff_cache .venv-audit
