# Pipeline: the two commands a new user needs are `make demo` and `make test`; both restore what they need.
DOTNET        ?= dotnet
CONFIGURATION ?= Release
RESULTS       ?= TestResults
CLI            = etl/Cli/bin/$(CONFIGURATION)/net10.0/pipeline.dll
TEST_PROJECTS  = $(sort $(wildcard tests/*/*.Tests.csproj))
# Long fault storms and many crash trials: only in `make test-all`.
HEAVY_FILTER   = TestCategory!=Heavy
# A test that hangs fails the run after this long (no test takes minutes) instead of stalling CI until its timeout.
HANG_GUARD     = --blame-hang-timeout 10m --blame-hang-dump-type none

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

.PHONY: all restore build test test-all test-heavy demo bench clean chromium install uninstall

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
	  $(DOTNET) test $$p -c $(CONFIGURATION) --no-build --filter "$(HEAVY_FILTER)" $(HANG_GUARD) \
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

# `pipeline` on the PATH: the CLI packed as a .NET tool into etl/Cli/bin/package (git-ignored) and installed from
# there only (a nuget.config that lists that folder alone), so it works offline. Each install gets its own version
# (0.1.0-local.<UTC time>): a reinstalled 0.1.0 would come back from NuGet's cache unchanged.
TOOL_ID   = Pipeline.Cli
TOOL_FEED = etl/Cli/bin/package
TOOL_DIR  = $(HOME)/.dotnet/tools
install:
	@set -e; \
	version=$$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props)-local.$$(date -u +%Y%m%d%H%M%S); \
	rm -rf $(TOOL_FEED); \
	$(DOTNET) pack etl/Cli/Pipeline.Cli.csproj -c $(CONFIGURATION) -o $(TOOL_FEED) -p:PackageVersion=$$version --nologo -v quiet; \
	feed=$$(cd $(TOOL_FEED) && pwd); \
	printf '<?xml version="1.0" encoding="utf-8"?>\n<configuration><packageSources><clear /><add key="pipeline" value="%s" /></packageSources></configuration>\n' "$$feed" > $(TOOL_FEED)/nuget.config; \
	if $(DOTNET) tool list --global | grep -qi '^$(TOOL_ID) '; then verb=update; else verb=install; fi; \
	$(DOTNET) tool $$verb --global $(TOOL_ID) --version $$version --configfile $(TOOL_FEED)/nuget.config; \
	echo "pipeline $$version installed in $(TOOL_DIR) (package: $$feed)"; \
	case ":$$PATH:" in *":$(TOOL_DIR):"*) ;; *) echo "$(TOOL_DIR) is not on your PATH; add to your shell profile:"; \
	  echo "  export PATH=\"\$$PATH:$(TOOL_DIR)\"";; esac; \
	if ! $(TOOL_DIR)/pipeline --version >/dev/null 2>&1; then \
	  echo "pipeline cannot find the .NET runtime; add to your shell profile:"; \
	  echo "  export DOTNET_ROOT=$$(dirname "$$(readlink -f "$$(command -v $(DOTNET))")")"; fi

uninstall:
	$(DOTNET) tool uninstall --global $(TOOL_ID)

clean:
	$(DOTNET) clean Pipeline.sln -c $(CONFIGURATION)
	rm -rf $(RESULTS) data logs
