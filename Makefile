# A thin layer over CMake presets and the scripts in scripts/.
#   make run     install what is missing, build (release), serve on 127.0.0.1:8080
#   make test    install what is missing, build, run every test tier CI runs
#   make build   release binary at build/release/rapport
#   make bench   benchmarks beside their peers, measured in the same run
#   make format  clang-format every source file in place
#   make lint    check formatting and run clang-tidy
SHELL := /bin/bash
JOBS ?= $(shell nproc)
LISTEN ?= 127.0.0.1:8080
DATABASE ?= ./data/rapport.db
SOURCES = $(shell git ls-files '*.cc' '*.h' 2>/dev/null | grep -v '^web/')

.PHONY: run build test bench format lint bootstrap clean

bootstrap:
	@scripts/bootstrap.sh

build: bootstrap
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS) --target rapport

run: build
	@mkdir -p $(dir $(DATABASE))
	@./build/release/rapport serve --listen $(LISTEN) --database $(DATABASE)

test:
	@scripts/bootstrap.sh --test
	@scripts/test.sh

bench:
	@scripts/bootstrap.sh --bench
	@scripts/bench.sh

format:
	@clang-format -i $(SOURCES)

lint:
	@clang-format --dry-run -Werror $(SOURCES)
	@cmake --preset release >/dev/null
	@run-clang-tidy -quiet -p build/release -j $(JOBS) '(base|domain|app|store|http|jobs|cli|main)/.*\.cc$$'

clean:
	@rm -rf build
