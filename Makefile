# pgwarden — the two commands a newcomer runs: `make demo` and `make test`.
SWIFT ?= swift
BIN := .build/debug/pgwarden
LAB ?= .pgwarden-lab

.PHONY: deps build test demo bench clean

deps:
	@bash scripts/install-deps.sh

build: deps
	$(SWIFT) build --product pgwarden

# Unit tests (pure core) and integration tests (real PostgreSQL labs on loopback).
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --parallel --num-workers 2

demo: build
	@bash scripts/demo.sh $(BIN) $(LAB)

bench: deps
	$(SWIFT) build -c release --product pgwarden-bench
	.build/release/pgwarden-bench

clean:
	-@[ -f $(LAB)/lab.json ] && $(BIN) lab down --dir $(LAB) || true
	rm -rf .build
