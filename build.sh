#!/usr/bin/env bash
# The one entry point: set up the machine, build, test, run, pack.
#   ./build.sh run      build and capture on lo into ./captures (configs/quickstart.json) until Ctrl-C
#   ./build.sh test     install what the tests need, build, run every test
#   ./build.sh build    build; the daemon is then runnable as artifacts/bin/cpworker
#   ./build.sh pack     NuGet packages into artifacts/packages
#   ./build.sh publish  self-contained linux-x64 daemon (ReadyToRun) into artifacts/publish
#   ./build.sh deb      artifacts/cpworker_<version>_amd64.deb (after publish)
#   ./build.sh image    OCI image localhost/cpworker:<version> from Debian packages (after deb)
#   ./build.sh fuzz TARGET SECONDS   fuzz a parser with AFL++ (config, direction, pcap, pcapng, frame, control, all)
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
CONFIGURATION=${CONFIGURATION:-Release}

# Debian packages the daemon and the tests use: libpcap for capture, tcpdump/tshark/tcpreplay as
# real decoders and traffic sources, iproute2 for test namespaces, python3-zmq (libzmq) as a real
# ZeroMQ receiver.
APT_PACKAGES=(libpcap0.8 libpcap0.8-dev tcpdump tshark tcpreplay iproute2 procps python3-zmq libzmq5 ca-certificates e2fsprogs afl++)
# A real Prometheus server scrapes the daemon's metrics endpoint in the metrics tests.
APT_PACKAGES+=(prometheus)
# The benchmark harness compiles its C baselines with gcc; the C ZMQ receiver links libzmq.
APT_PACKAGES+=(gcc libc6-dev libzmq3-dev)
# bash and zsh run the generated completion scripts; man-db renders the man page in its test.
APT_PACKAGES+=(bash zsh man-db groff-base)

# Packaging and deployment (./build.sh deb|image and their tests): dpkg-deb and lintian for the
# .deb, mmdebstrap and podman (with runc: crun fails on hybrid cgroups) for the image.
APT_PACKAGES+=(dpkg-dev lintian mmdebstrap podman runc uidmap)

log() { printf '[build.sh] %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    log "need root to run: $*"; return 1; fi
}

ensure_apt_packages() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing: ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
  # tshark asks whether non-root users may capture; answer no without a prompt.
  echo "wireshark-common wireshark-common/install-setuid boolean false" | as_root debconf-set-selections || true
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# Node.js runs the offline Kubernetes manifest validation (deploy/kubernetes/validate). The
# machine image may carry its own nodejs (which conflicts with Debian's npm): install Debian's
# only when there is no npm at all.
ensure_node() {
  command -v npm >/dev/null && return 0
  log "installing: nodejs npm"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nodejs npm
}

# `kubectl kustomize` renders deploy/kubernetes in the manifest tests. Where the machine has no
# kubectl, Debian's kubernetes-client (1.20, kustomize v2.0.3) provides it. Its kubectl is also
# unpacked into artifacts/tools, so the tests prove both kustomize versions render alike.
ensure_kubectl() {
  local debian=artifacts/tools/kubernetes-client
  if [ ! -x "$debian/usr/bin/kubectl" ]; then
    mkdir -p artifacts/tools && rm -f artifacts/tools/kubernetes-client_*.deb
    ( cd artifacts/tools && { apt-get download kubernetes-client 2>/dev/null ||
        { as_root apt-get update -q && apt-get download kubernetes-client; }; } )
    dpkg-deb -x artifacts/tools/kubernetes-client_*.deb "$debian"
  fi
  command -v kubectl >/dev/null && return 0
  log "installing: kubernetes-client"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends kubernetes-client
}

ensure_dotnet() {
  command -v dotnet >/dev/null || { log "the .NET 10 SDK is required (dotnet not on PATH)"; exit 1; }
  export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
}

build() {
  ensure_dotnet
  dotnet restore Cpworker.sln
  dotnet build Cpworker.sln -c "$CONFIGURATION" --no-restore
  dotnet publish Cpworker.Host/Cpworker.Host.csproj -c "$CONFIGURATION" --no-restore -o artifacts/bin
  log "daemon: $ROOT/artifacts/bin/cpworker"
}

version() { sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' version.props; }

# Self-contained, ReadyToRun, not single-file: a single file was 4 % larger and extracts its
# native libraries at start (a read-only root file system has nowhere to put them); start-up was
# within noise (docs/deploy.md, "Builds").
publish_self_contained() {
  ensure_dotnet
  rm -rf artifacts/publish
  dotnet publish Cpworker.Host/Cpworker.Host.csproj -c "$CONFIGURATION" -r linux-x64 --self-contained \
    -p:PublishReadyToRun=true -p:DebugType=none -p:GenerateDocumentationFile=false -o artifacts/publish
  log "self-contained daemon: $ROOT/artifacts/publish/cpworker ($(du -sh artifacts/publish | cut -f1))"
}

cmd=${1:-help}
[ $# -gt 0 ] && shift
case "$cmd" in
  build)
    ensure_apt_packages
    build
    ;;
  test)
    ensure_apt_packages
    build
    # The deployment tests use the self-contained build, the .deb, the image and the pinned
    # manifest validator (Cpworker.Tests/Deployment).
    ensure_node
    ensure_kubectl
    npm ci --prefix deploy/kubernetes/validate --no-audit --no-fund
    publish_self_contained
    eng/packaging/deb.sh "$ROOT" "$(version)"
    eng/packaging/image.sh "$ROOT" "$(version)"
    eng/run-tests.sh "$CONFIGURATION" "$@"
    # A short fuzz of every parser (docs/fuzzing.md): a crash fails the run.
    eng/fuzz.sh all "${FUZZ_SMOKE_SECONDS:-6}" artifacts/fuzz-smoke
    ;;
  run)
    ensure_apt_packages
    build
    mkdir -p captures
    log "capturing on lo into $ROOT/captures/<yyyyMMddHH>/ (Ctrl-C stops and completes the files)"
    exec artifacts/bin/cpworker run -c configs/quickstart.json "$@"
    ;;
  fuzz)
    ensure_apt_packages
    ensure_dotnet
    exec eng/fuzz.sh "$@"
    ;;
  pack)
    ensure_dotnet
    dotnet pack Cpworker.sln -c "$CONFIGURATION" -o artifacts/packages -p:ContinuousIntegrationBuild=true
    log "packages: $ROOT/artifacts/packages (samples/EmbeddedRecorder restores from there)"
    ;;
  publish)
    ensure_apt_packages
    publish_self_contained
    ;;
  deb)
    ensure_apt_packages
    publish_self_contained
    eng/packaging/deb.sh "$ROOT" "$(version)"
    ;;
  image)
    ensure_apt_packages
    publish_self_contained
    eng/packaging/deb.sh "$ROOT" "$(version)"
    eng/packaging/image.sh "$ROOT" "$(version)"
    ;;
  clean)
    rm -rf artifacts captures
    dotnet clean Cpworker.sln >/dev/null 2>&1 || true
    ;;
  *)
    sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
    [ "$cmd" = help ] || exit 2
    ;;
esac
