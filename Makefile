# Two commands matter: `make run` (the main job, end to end) and `make test` (the whole suite).
SHELL := /bin/bash
NPM_STAMP := node_modules/.package-lock.json

.PHONY: install build typecheck test unit run compare bench bench-smoke fixtures clean

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund

install: $(NPM_STAMP)

# The pipelines run compiled (`make run`, `make compare`, the bench's pipeline children): esbuild, the
# one tsx ships, turns each .ts into a CommonJS .js under .cache/build, never committed, so no
# TypeScript loader runs beside them (`node --import tsx` adds a loader thread, ~20-30 MB of RSS).
# import.meta.url names the source file, so files found next to the sources (schemas/, broker/)
# resolve as under tsx (the banner drops the last `.cache/build/` from the path: it must match BUILD).
# Each build goes to a fresh folder that then replaces the old one, so a pipeline starting meanwhile
# never reads a half-written file.
BUILD := .cache/build
BUILD_SOURCES := $(shell find models metrics drift generators training transforms io pipelines bench -name '*.ts')
# How every compiled pipeline starts: the launcher $(BUILD)/node runs `$(PIPELINE_NODE) <file.js> …`.
# Together these took the train pipeline's peak RSS at 1M / 5M records from 173 / 205 MB to
# 146 / 147 MB (bench/train-memory.ts):
#   --max-semi-space-size=2  V8's young generation stays at 2 × 2 MiB instead of growing to 2 × 16 MiB,
#                            and the more frequent mark-compacts free dead Kafka buffers sooner; the
#                            price is ~4 % of the run in GC pauses.
#   MALLOC_ARENA_MAX=2       fewer glibc malloc arenas for V8's helper threads: ~5 MB less held free.
PIPELINE_NODE := MALLOC_ARENA_MAX=2 node --max-semi-space-size=2

$(BUILD)/.stamp: $(BUILD_SOURCES) Makefile | $(NPM_STAMP)
	@mkdir -p .cache
	@tmp=$$(mktemp -d $(BUILD).XXXXXX) && touch $$tmp/.stamp && \
	node_modules/.bin/esbuild $(BUILD_SOURCES) --outdir=$$tmp --outbase=. --platform=node --format=cjs --target=node20 \
	  --log-level=warning --log-override:empty-import-meta=error --define:import.meta.url=__import_meta_url \
	  '--banner:js=var __import_meta_url = require("node:url").pathToFileURL(__filename.replace(/\.cache[\\/]build[\\/](?!.*\.cache[\\/]build[\\/])/, "").replace(/\.js$$/, ".ts")).href;' && \
	printf '#!/bin/sh\n# Written by make (PIPELINE_NODE in the Makefile): how the compiled pipelines start.\nexec env %s "$$@"\n' '$(PIPELINE_NODE)' > $$tmp/node && \
	chmod +x $$tmp/node && \
	old=$(BUILD).old.$$$$; mv -T $(BUILD) $$old 2>/dev/null; \
	mv -T $$tmp $(BUILD) 2>/dev/null || rm -rf $$tmp; rm -rf $$old; test -x $(BUILD)/node

build: $(BUILD)/.stamp

typecheck: install
	npx tsc -p tsconfig.json

test: typecheck build
	npx mocha 'test/**/*.spec.ts'

run: install build
	$(BUILD)/node $(BUILD)/pipelines/main.js $(ARGS)

# The leaderboard: several models on one stream in one pass (out/leaderboard.md, out/leaderboard.svg).
compare: install build
	$(BUILD)/node $(BUILD)/pipelines/compare.js $(ARGS)

# Issue 5's benchmarks on the local broker (several minutes): writes bench/results.md and bench/results.json.
# Creates .cache/bench-venv for the Python baselines and installs kcat with apt-get when missing.
bench: install build
	node --import tsx bench/run.ts

# The same harness on a few thousand records, no Python, no installs (writes .cache/bench-smoke/).
bench-smoke: install build
	node --import tsx bench/run.ts --smoke

# Regenerates the scikit-learn fixtures in test/fixtures (creates its own Python venv).
fixtures:
	bash test/fixtures/generate.sh

clean:
	rm -rf out .cache
