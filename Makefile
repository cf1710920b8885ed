# Targets: run, build, test, test-servers, lint, bench, clean.
#
#   make test                              all tests against throwaway PostgreSQL + FerretDB
#   make test TESTFLAGS='-run Foo -v'      extra go test flags
#   make test PKGS=./tender/...            other packages (default ./...)
#   make test RACE=                        without the race detector
#   make bench BENCH=Tender                benchmarks matching BENCH, same servers
#   make test-servers                      start the servers, print the env exports, wait for Ctrl-C
#
# The servers are started and removed by .ci/test-servers.sh (see its header).

# Go is installed in /usr/local/go/bin, which non-login shells may lack.
export PATH := $(PATH):/usr/local/go/bin
SHELL := /bin/bash

GO        ?= $(shell command -v go 2>/dev/null || echo /usr/local/go/bin/go)
GOFMT     ?= $(shell command -v gofmt 2>/dev/null || echo /usr/local/go/bin/gofmt)
PKGS      ?= ./...
TESTFLAGS ?=
RACE      ?= -race
BENCH     ?= .
BENCHFLAGS ?=
ARGS      ?=
VERSION   ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)

.DEFAULT_GOAL := build
.PHONY: run build test test-servers lint bench clean

run:
	$(GO) run ./cmd/prozorro serve $(ARGS)

build:
	$(GO) build -ldflags "-X main.version=$(VERSION)" -o bin/prozorro ./cmd/prozorro

test:
	PROZORRO_NEED_CC=$(if $(strip $(RACE)),1,0) \
		bash .ci/test-servers.sh exec $(GO) test $(RACE) -count=1 $(TESTFLAGS) $(PKGS)

bench:
	bash .ci/test-servers.sh exec $(GO) test -run '^$$' -bench '$(BENCH)' -benchmem $(BENCHFLAGS) $(PKGS)

test-servers:
	bash .ci/test-servers.sh up

lint:
	@files=$$(find . -name '*.go' -not -path './.*' -not -path '*/testdata/*' -not -path './vendor/*'); \
	if [ -n "$$files" ]; then \
		bad=$$($(GOFMT) -l $$files) || exit 1; \
		if [ -n "$$bad" ]; then echo "gofmt -l: these files need gofmt -w:"; echo "$$bad"; exit 1; fi; \
	fi
	$(GO) vet $(PKGS)

clean:
	rm -rf bin .tmp
