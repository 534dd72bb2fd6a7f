# Quick start: `make run` and `make test`. Both install what is missing first.
BUILD ?= build
BUILD_TYPE ?= RelWithDebInfo
SANITIZE ?= OFF
BIN := $(abspath $(BUILD))/safeconnect

.PHONY: all deps build run test unit-test integration-test browser-test mutants tidy fuzz bench clean

# Paths relative to the checkout in ccache's keys, so scratch trees (make mutants) and
# other checkouts reuse what one build compiled.
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := true

all: build

deps:
	@scripts/install-deps

build: deps
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) \
		-DSAFECONNECT_SANITIZE=$(SANITIZE) >/dev/null
	@cmake --build $(BUILD)

run: build
	@mkdir -p var
	$(BIN) serve

test: build
	@$(MAKE) --no-print-directory unit-test integration-test browser-test

# Each a ctest label (tests/CMakeLists.txt); a label without tests is an error, not a pass.
unit-test:
	ctest --test-dir $(BUILD) -L unit --output-on-failure --no-tests=error

integration-test:
	ctest --test-dir $(BUILD) -L integration --output-on-failure --no-tests=error

browser-test:
	ctest --test-dir $(BUILD) -L browser --output-on-failure --no-tests=error

# Each tests/mutants/*.patch breaks a promise; the test it names must fail (scripts/mutants).
mutants: build
	@scripts/mutants

# clang-tidy over src/ (scripts/check-tidy); any finding fails.
tidy: build
	@scripts/check-tidy $(BUILD)

# libFuzzer targets (tests/fuzz) in build-fuzz/, each FUZZ_SECONDS long from its seeds.
FUZZ_SECONDS ?= 60
fuzz: deps
	@FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz

BENCH_ARGS ?= --pairs 100
bench: build
	$(abspath $(BUILD))/bench/chat_load --server $(BIN) $(BENCH_ARGS)
	$(abspath $(BUILD))/bench/purge_bench --conversations 10000

clean:
	rm -rf $(BUILD)
