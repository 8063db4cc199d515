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
# Serial: every integration test starts its own servers, and on 2 cores running them all at
# once was slower and, once, hung (see the closing note of issue 7; that hang was a query on a
# session whose server died, fixed in PostgresSession); serial takes ~10 min, the fault sweeps ~5.
# scripts/test.sh adds a watchdog that prints stacks and fails a run that hangs.
test: deps
	$(SWIFT) build --build-tests
	SWIFT=$(SWIFT) bash scripts/test.sh

demo: build
	@bash scripts/demo.sh $(BIN) $(LAB)

bench:
	@bash scripts/install-deps.sh bench
	$(SWIFT) build -c release --product pgwarden-bench
	.build/release/pgwarden-bench

clean:
	-@[ -f $(LAB)/lab.json ] && $(BIN) lab down --dir $(LAB) || true
	rm -rf .build
