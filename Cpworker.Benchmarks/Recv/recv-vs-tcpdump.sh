#!/usr/bin/env bash
# recv's packets/s next to `tcpdump -w` on the same traffic (docs/recv.md#performance).
#
# The real daemon replays CAPTURE into a VXLAN output (vni1, capture_time) to 127.0.0.1:4789 inside
# a private network namespace; trials alternate between the two receivers, each alone with the
# daemon on the machine's cores:
#   recv     cpworker recv --vxlan 127.0.0.1:4789 --capture-time -w FILE   (decodes, writes pcapng)
#   tcpdump  tcpdump -i lo -B 32768 -w FILE udp port 4789                  (writes the outer datagrams)
# For each: packets the receiver wrote, the replay's wall time, the receiver's CPU time (utime +
# stime from /proc between its ready line and its stop, so start-up is left out), packets/s = written / wall time, and µs of CPU per packet.
#
# Usage: Cpworker.Benchmarks/Recv/recv-vs-tcpdump.sh [CAPTURE] (default: the compare harness's
# cached 1 M-packet mix, ~/.cache/cpworker-bench/mixed-1000000.pcap; `compare --quick` makes it).
# TRIALS (default 3) pairs; DLL = cpworker.dll to run (default: the Release build of Cpworker.Host).
set -euo pipefail
cd "$(dirname "$0")/../.."
CAPTURE=$(realpath "${1:-$HOME/.cache/cpworker-bench/mixed-1000000.pcap}")
TRIALS=${TRIALS:-3}
DLL=$(realpath "${DLL:-Cpworker.Host/bin/Release/net10.0/cpworker.dll}")
[ -f "$CAPTURE" ] || { echo "no capture $CAPTURE" >&2; exit 2; }
NS=cpwrb-$$
WORK=$(mktemp -d /tmp/cpwrb-XXXXXX)
RX_PID=
cleanup() {
  [ -n "$RX_PID" ] && kill -KILL "$RX_PID" 2>/dev/null || true
  ip netns del "$NS" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
ip netns add "$NS"
ip -n "$NS" link set lo up
cat > "$WORK/daemon.json" <<JSON
{ "tasks": [ { "capturer": { "type": "pcap_file", "pcap_file": { "file_name": "$CAPTURE" } },
  "outputs": [ { "type": "vxlan", "vxlan": { "host": "127.0.0.1", "port": 4789, "vni1": 1, "capture_time": true } } ] } ] }
JSON

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
wait_for() { for _ in $(seq 200); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done; echo "timeout waiting for '$2' in $1" >&2; cat "$1" >&2; return 1; }

trial() {
  local rx=$1
  local log=$WORK/$rx.log out=$WORK/$rx.out
  rm -f "$log" "$out"*
  if [ "$rx" = recv ]; then
    ip netns exec "$NS" dotnet "$DLL" recv --vxlan 127.0.0.1:4789 --capture-time -w "$out" --stats-interval 0 >"$WORK/recv.json" 2>"$log" &
    RX_PID=$!; wait_for "$log" " ready (pid"
  else
    ip netns exec "$NS" tcpdump -n -i lo -B 32768 -w "$out" udp port 4789 2>"$log" &
    RX_PID=$!; wait_for "$log" "listening on"
  fi
  local start end ticks0
  ticks0=$(cpu_ticks "$RX_PID") # start-up (the JIT) is not the per-packet cost
  start=$(date +%s.%N)
  ip netns exec "$NS" dotnet "$DLL" run -c "$WORK/daemon.json" --exit-at-eof 2>"$WORK/daemon.log" || { cat "$WORK/daemon.log" >&2; return 1; }
  end=$(date +%s.%N)
  sleep 1 # let the receiver drain its socket
  local ticks; ticks=$(( $(cpu_ticks "$RX_PID") - ticks0 ))
  if [ "$rx" = recv ]; then kill -TERM "$RX_PID"; else kill -INT "$RX_PID"; fi
  wait "$RX_PID" || true
  RX_PID=
  local packets dropped=0
  if [ "$rx" = recv ]; then
    packets=$(grep -o '"packets":[0-9]*' "$WORK/recv.json" | tail -1 | cut -d: -f2)
  else
    packets=$(grep -o '^[0-9]* packets captured' "$log" | cut -d' ' -f1)
    dropped=$(grep -o '^[0-9]* packets dropped by kernel' "$log" | cut -d' ' -f1)
  fi
  local sent; sent=$(grep -o 'forwarded [0-9]*' "$WORK/daemon.log" | head -1 | cut -d' ' -f2 || true)
  awk -v rx="$rx" -v p="$packets" -v d="$dropped" -v s="$start" -v e="$end" -v t="$ticks" -v hz="$(getconf CLK_TCK)" 'BEGIN {
    wall = e - s; cpu = t / hz;
    printf "%-8s written %8d  kernel-dropped %7d  replay %6.2f s  %9.0f packets/s  cpu %5.2f s  %5.2f us/packet\n", rx, p, d, wall, p / wall, cpu, (p > 0 ? cpu * 1e6 / p : 0) }'
}

echo "capture $CAPTURE ($(stat -c %s "$CAPTURE") bytes); load: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
for i in $(seq "$TRIALS"); do
  trial recv
  trial tcpdump
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
