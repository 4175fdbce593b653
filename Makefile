# Pipeline: the two commands a new user needs are `make demo` and `make test`; both restore what they need.
DOTNET        ?= dotnet
CONFIGURATION ?= Release
RESULTS       ?= TestResults
CLI            = etl/Cli/bin/$(CONFIGURATION)/net10.0/pipeline.dll
TEST_PROJECTS  = $(sort $(wildcard tests/*/*.Tests.csproj))
# Long fault storms and many crash trials: only in `make test-all`.
HEAVY_FILTER   = TestCategory!=Heavy

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

.PHONY: all restore build test test-all test-heavy demo bench clean chromium

all: build

restore:
	$(DOTNET) restore Pipeline.sln

build: restore
	$(DOTNET) build Pipeline.sln -c $(CONFIGURATION) --no-restore

# The report tests render the HTML report with headless Chromium (Debian package chromium); without it they are
# skipped with the reason, so a machine without apt still runs every other test.
chromium:
	@command -v chromium >/dev/null 2>&1 || { command -v apt-get >/dev/null 2>&1 && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null 2>&1; } || \
	  echo "chromium not installed (apt-get install chromium): the report rendering tests will be skipped" >&2

# Each test project writes its own TRX; ops/scripts/trx-summary.sh turns them into "N passed, N failed, N skipped".
test: build chromium
	@rm -rf $(RESULTS); status=0; \
	for p in $(TEST_PROJECTS); do \
	  name=$$(basename $$p .csproj); \
	  $(DOTNET) test $$p -c $(CONFIGURATION) --no-build --filter "$(HEAVY_FILTER)" \
	    --logger "trx;LogFileName=$$name.trx" --logger "console;verbosity=minimal" \
	    --results-directory $(RESULTS)/$$name || status=1; \
	done; \
	bash ops/scripts/trx-summary.sh $(RESULTS) || status=1; \
	exit $$status

test-all: HEAVY_FILTER = FullyQualifiedName!=__none__
test-all: test

# Only the Heavy category, added beside an earlier `make test`'s results (CI runs it when time allows).
test-heavy: build
	@status=0; \
	for p in $(TEST_PROJECTS); do \
	  name=$$(basename $$p .csproj); \
	  grep -rqs --include='*.cs' 'Category("Heavy")' $$(dirname $$p) || continue; \
	  $(DOTNET) test $$p -c $(CONFIGURATION) --no-build --filter "TestCategory=Heavy" \
	    --logger "trx;LogFileName=$$name.trx" --logger "console;verbosity=minimal" \
	    --results-directory $(RESULTS)/heavy/$$name || status=1; \
	done; \
	exit $$status

demo: build
	$(DOTNET) $(CLI) demo

# Benchmarks (tests/Pipeline.Benchmarks): ingest vs its floor, memory, incremental cost, mart queries. Prints one
# table and writes bench/results.json; goals that are short are reported, not failures (non-zero only on a crash).
BENCH = tests/Pipeline.Benchmarks/bin/$(CONFIGURATION)/net10.0/Pipeline.Benchmarks.dll
bench:
	$(DOTNET) build tests/Pipeline.Benchmarks/Pipeline.Benchmarks.csproj -c $(CONFIGURATION)
	$(DOTNET) $(BENCH) --out bench/results.json

clean:
	$(DOTNET) clean Pipeline.sln -c $(CONFIGURATION)
	rm -rf $(RESULTS) data logs
