# SurvMeta: `make run` (the NET liver-metastasis report) and `make test` do all the set-up on Debian.
SWIFT      ?= swift
SUDO       := $(shell [ "$$(id -u)" = "0" ] || echo sudo)
APT_PKGS   := pkg-config liblapacke-dev
TEST_PKGS  := librsvg2-bin
RELEASE    := .build/release/survmeta
DEBUG_BIN  := .build/debug/survmeta

.PHONY: all deps test-deps build release test run bench notebooks fuzz man clean

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

# The Swift runtime and Foundation are linked statically: the binary starts in ~15 ms instead of
# ~50 ms (no dynamic loading and relocation of Foundation and ICU) and uses ~7 MB less memory.
release: deps
	$(SWIFT) build -c release --static-swift-stdlib --product survmeta

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

# libFuzzer targets (Fuzz/): each runs FUZZ_SECONDS (default 60) from its seeds; a crash leaves
# Fuzz/crash-* and fails the target (turn it into a regression test).
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := FuzzCSV FuzzStudyRows FuzzLandmark
fuzz: deps
	cd Fuzz && $(SWIFT) build -c release -Xswiftc -sanitize=fuzzer -Xswiftc -parse-as-library
	@cd Fuzz && for t in $(FUZZ_TARGETS); do \
	  mkdir -p corpus/$$t; echo "== $$t ($(FUZZ_SECONDS) s)"; \
	  SWIFT_BACKTRACE=enable=no ./.build/release/$$t corpus/$$t seeds/$$t -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -print_final_stats=1 2>&1 \
	    | grep -E "Done|stat::number_of_executed_units|stat::average_exec_per_sec|ERROR|SUMMARY|Test unit written" || exit 1; \
	  if ls crash-* >/dev/null 2>&1; then echo "crash found: Fuzz/$$(ls crash-* | head -1)"; exit 1; fi; \
	done

# Man pages from the command definitions (swift-argument-parser's generate-manual plugin).
man: deps
	mkdir -p man
	$(SWIFT) package --allow-writing-to-package-directory generate-manual --multi-page --output-directory man

clean:
	rm -rf .build results
