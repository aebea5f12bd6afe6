#!/usr/bin/env bash
# ./build.sh fuzz TARGET SECONDS [OUTDIR]: fuzz one parser with AFL++ and SharpFuzz (docs/fuzzing.md).
# TARGET is config, direction, pcap, pcapng, frame, control, or "all" (each in turn, SECONDS each).
# Prints the executions and crashes per target; exits 1 when a crash was found (its inputs are
# under OUTDIR/TARGET/default/crashes). Needs afl++ (Debian) and the sharpfuzz tool (NuGet,
# dotnet-tools.json): ./build.sh installs both.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGETS=(config direction pcap pcapng frame control)
target=${1:?usage: fuzz TARGET SECONDS [OUTDIR]}
seconds=${2:?usage: fuzz TARGET SECONDS [OUTDIR]}
out=${3:-artifacts/fuzz}
bin=artifacts/fuzz-bin

# A fresh copy of the build each time: sharpfuzz instruments assemblies in place, once.
dotnet tool restore >/dev/null
dotnet build Cpworker.Fuzz/Cpworker.Fuzz.csproj -c Release >/dev/null   # incremental after ./build.sh build
rm -rf "$bin" && mkdir -p "$bin" && cp -r Cpworker.Fuzz/bin/Release/net10.0/. "$bin/"
for dll in Cpworker.Engine.dll Cpworker.Outputs.dll cpworker.dll; do
  dotnet sharpfuzz "$bin/$dll" >/dev/null
done

# The machine is shared: no CPU binding, no CPU-governor check; dotnet starts slowly.
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 \
  AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_FORKSRV_INIT_TMOUT=60000 AFL_QUIET=1

found=0
[ "$target" = all ] && list=("${TARGETS[@]}") || list=("$target")
for t in "${list[@]}"; do
  [ -d "Cpworker.Fuzz/corpus/$t" ] || { echo "fuzz: unknown target $t (${TARGETS[*]})" >&2; exit 2; }
  rm -rf "${out:?}/$t"
  mkdir -p "$out"
  afl-fuzz -V "$seconds" -t 10000 -m none -i "Cpworker.Fuzz/corpus/$t" -o "$out/$t" -- dotnet "$bin/Cpworker.Fuzz.dll" "$t" >"$out/$t.log" 2>&1 || {
    echo "fuzz: afl-fuzz failed for $t; the end of its log:" >&2; tail -20 "$out/$t.log" >&2; exit 1; }
  stats="$out/$t/default/fuzzer_stats"
  execs=$(awk -F': ' '/^execs_done/ {print $2}' "$stats")
  crashes=$(awk -F': ' '/^saved_crashes/ {print $2}' "$stats")
  hangs=$(awk -F': ' '/^saved_hangs/ {print $2}' "$stats")
  echo "fuzz $t: ${seconds} s, $execs executions, $crashes crash(es), $hangs hang(s)"
  if [ "${crashes:-0}" != 0 ]; then
    found=1
    ls "$out/$t/default/crashes" | grep -v README | sed "s|^|  $out/$t/default/crashes/|"
  fi
done
exit $found
