# SurvMeta: `make run` (the NET liver-metastasis report) and `make test` do all the set-up on Debian.
SWIFT      ?= swift
SUDO       := $(shell [ "$$(id -u)" = "0" ] || echo sudo)
APT_PKGS   := pkg-config liblapacke-dev
TEST_PKGS  := librsvg2-bin
RELEASE    := .build/release/survmeta
DEBUG_BIN  := .build/debug/survmeta

.PHONY: all deps test-deps build release test run bench notebooks fuzz clean

all: build

# Install the system packages only when they are missing (no network use otherwise).
deps:
	@missing=""; \
	for p in $(APT_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# The test suite also renders every SVG with a real renderer (rsvg-convert).
test-deps: deps
	@dpkg-query -W -f='$${Status}' $(TEST_PKGS) 2>/dev/null | grep -q "install ok installed" || { \
	  echo "installing: $(TEST_PKGS)"; $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $(TEST_PKGS); }

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product survmeta

test: test-deps
	$(SWIFT) build --product survmeta
	$(SWIFT) test

run: release
	$(RELEASE) report --datasets Datasets --results results

# Benchmarks: a separate package (Benchmarks/), never built by `make test`.
bench: release
	cd Benchmarks && $(SWIFT) build -c release && ./.build/release/SurvMetaBench

# Runs every notebook (Notebooks/NN-*.sh) into results/notebooks/.
notebooks: release
	@for nb in Notebooks/[0-9]*.sh; do \
	  echo "== $$nb"; SURVMETA=$(RELEASE) RESULTS=results/notebooks bash "$$nb" || exit 1; done

clean:
	rm -rf .build results
