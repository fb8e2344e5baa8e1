# Two commands matter: `make run` (the main job, end to end) and `make test` (the whole suite).
SHELL := /bin/bash
NPM_STAMP := node_modules/.package-lock.json

.PHONY: install typecheck test unit run compare bench bench-smoke fixtures clean

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund

install: $(NPM_STAMP)

typecheck: install
	npx tsc -p tsconfig.json

test: typecheck
	npx mocha 'test/**/*.spec.ts'

run: install
	npx tsx pipelines/main.ts $(ARGS)

# The leaderboard: several models on one stream in one pass (out/leaderboard.md, out/leaderboard.svg).
compare: install
	npx tsx pipelines/compare.ts $(ARGS)

# Issue 5's benchmarks on the local broker (several minutes): writes bench/results.md and bench/results.json.
# Creates .cache/bench-venv for the Python baselines and installs kcat with apt-get when missing.
bench: install
	node --import tsx bench/run.ts

# The same harness on a few thousand records, no Python, no installs (writes .cache/bench-smoke/).
bench-smoke: install
	node --import tsx bench/run.ts --smoke

# Regenerates the scikit-learn fixtures in test/fixtures (creates its own Python venv).
fixtures:
	bash test/fixtures/generate.sh

clean:
	rm -rf out .cache
