# The README's two commands: `make demo` and `make test`.
# Each does its own set-up on a fresh Debian machine and skips what is done.

PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
SYSDEPS := $(VENV)/.sysdeps

.PHONY: demo test check setup sysdeps bench clean

demo: setup
	$(BIN)/python -m gencraft.demo

test: setup
	$(BIN)/python -m pytest -q

# The fast loop while editing: everything but slow, browser, ML and diffusion cases.
check: setup
	$(BIN)/python -m pytest -q -m 'not slow and not browser and not ml and not diffusion'

bench: setup
	$(BIN)/python -m benchmarks

setup: $(STAMP)

sysdeps: $(SYSDEPS)

# System packages: pycairo builds against libcairo2-dev; browser tests use
# Debian's chromium; shared-study tests start a throwaway PostgreSQL server.
# Installed only when missing (re-checked when this file changes).
$(SYSDEPS): Makefile
	@missing=""; \
	for p in libcairo2-dev pkg-config chromium postgresql; do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" -ne 0 ] && SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi
	@mkdir -p $(VENV) && touch $@

$(STAMP): pyproject.toml $(SYSDEPS)
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip wheel
	$(BIN)/pip install -q torch==2.14.1 torchvision==0.29.1
	$(BIN)/pip install -q -e '.[all,test]'
	@# compile every Numba kernel into the on-disk cache now, so the first render is fast
	-$(BIN)/python -m gencraft.warmup
	touch $@

clean:
	rm -rf $(VENV) gallery/* .pytest_cache
