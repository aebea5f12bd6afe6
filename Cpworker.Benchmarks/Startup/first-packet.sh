#!/usr/bin/env bash
# Start to first packet: the time from exec of the daemon to the first packet it forwards,
# for the self-contained build (artifacts/publish) and the framework-dependent one
# (artifacts/bin), interleaved. The daemon replays a 1-packet pcap into a VXLAN output to
# 127.0.0.1; a UDP socket that is bound before the exec timestamps the first datagram.
#   Cpworker.Benchmarks/Startup/first-packet.sh [ROUNDS]     (default 7)
# Build first: ./build.sh publish; dotnet publish Cpworker.Host -c Release -o artifacts/bin
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${1:-7}
WORK=$(mktemp -d /tmp/cpworker-first-packet.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

# One Ethernet/IPv4/UDP frame, 198.18.0.1:1000 -> 198.18.0.2:2000, as a classic pcap.
/usr/bin/python3 - "$WORK/one.pcap" <<'PY'
import struct, sys
payload = b"hello"
udp = struct.pack("!HHHH", 1000, 2000, 8 + len(payload), 0) + payload
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0, bytes([198, 18, 0, 1]), bytes([198, 18, 0, 2]))
frame = b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01" + b"\x08\x00" + ip + udp
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    f.write(struct.pack("<IIII", 1, 0, len(frame), len(frame)) + frame)
PY

# Prints the ms from the exec of argv[2:] to the first datagram on 127.0.0.1:argv[1]'s socket.
cat > "$WORK/measure.py" <<'PY'
import json, os, socket, subprocess, sys, time
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind(("127.0.0.1", 0))
sock.settimeout(0.2)
port = sock.getsockname()[1]
config = {"log_level": "WARN", "tasks": [{"name": "replay",
    "capturer": {"type": "pcap_file", "pcap_file": {"file_name": sys.argv[1]}},
    "outputs": [{"type": "vxlan", "vxlan": {"host": "127.0.0.1", "port": port, "vni1": 1}}]}]}
path = os.path.join(os.path.dirname(sys.argv[1]), "config.json")
with open(path, "w") as f:
    json.dump(config, f)
start = time.monotonic_ns()
daemon = subprocess.Popen([sys.argv[2], "run", "-c", path, "--exit-at-eof"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
while True:
    try:
        sock.recv(65536)
        break
    except socket.timeout:
        if daemon.poll() is not None or time.monotonic_ns() - start > 30e9:
            sys.exit(f"{sys.argv[2]} sent nothing (exit code {daemon.poll()}): run it with {path}")
first = time.monotonic_ns()
daemon.wait(timeout=30)
done = time.monotonic_ns()
print(f"{(first - start) / 1e6:.0f} {(done - start) / 1e6:.0f}")
PY

echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-20s %8s %8s\n' build first_ms exit_ms
for round in $(seq "$ROUNDS"); do
  for build in self-contained:artifacts/publish/cpworker framework-dependent:artifacts/bin/cpworker; do
    printf '%-20s %8s %8s\n' "${build%%:*}" $(/usr/bin/python3 "$WORK/measure.py" "$WORK/one.pcap" "${build#*:}")
  done
done
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
