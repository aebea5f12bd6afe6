#!/usr/bin/env bash
# Prints every failed test of a `dotnet test --logger "console;verbosity=normal"` log with its
# message and stack, so the end of a long CI log says what failed (CI shows only the tail).
# Usage: eng/test-failures.sh LOG
set -euo pipefail
log="$1"
awk '
  /^[[:space:]]+Failed [^:]/ { keep = 1; n++ }
  /^[[:space:]]+(Passed|Skipped) / { keep = 0 }
  /^Test Run (Failed|Successful)/ || /^(Total tests|Results File):/ { keep = 0 }
  keep && lines < 400 { print; lines++ }
  END { if (n > 0) printf "%d failed test(s), listed above.\n", n }
' "$log"
