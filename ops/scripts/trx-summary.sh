#!/usr/bin/env bash
# Sums the counters of every TRX file under a folder and prints one line: "N passed, N failed, N skipped".
# Exits non-zero when there are failures or no results at all (a run that executed nothing is not a pass).
set -euo pipefail
folder=${1:-TestResults}
mapfile -t files < <(find "$folder" -name '*.trx' 2>/dev/null | sort)
if [ "${#files[@]}" -eq 0 ]; then
  echo "no test results (TRX) found under $folder" >&2
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi
passed=0; failed=0; skipped=0
for f in "${files[@]}"; do
  counters=$(grep -o '<Counters [^>]*>' "$f" | head -1)
  get() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted)))
  # The NUnit adapter leaves notExecuted at 0 for ignored tests; count the results themselves.
  notrun=$( (grep -o '<UnitTestResult [^>]*outcome="\(NotExecuted\|Inconclusive\)"' "$f" || true) | wc -l)
  skipped=$((skipped + notrun))
done
# Why tests were skipped, one line per reason (a skipped test must say why).
perl -0777 -ne 'while (/outcome="(?:NotExecuted|Inconclusive)".*?<Message>(.*?)<\/Message>/sg) { $n{$1}++ } END { print "skipped $n{$_}: $_\n" for sort keys %n }' "${files[@]}"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
