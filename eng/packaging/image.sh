#!/usr/bin/env bash
# Builds the OCI image localhost/cpworker:<version> from Debian packages only: a root file
# system by mmdebstrap (variant essential, plus libpcap0.8 and ca-certificates) into which the
# .deb is installed, imported with podman (no registry, no FROM). Also writes
# artifacts/cpworker-image-<version>.oci.tar. Usage: eng/packaging/image.sh ROOT VERSION
set -euo pipefail
ROOT=$1
VERSION=$2
DEB=$ROOT/artifacts/cpworker_${VERSION}_amd64.deb
WORK=$ROOT/artifacts/image
IMAGE=localhost/cpworker:$VERSION
SUITE=${CPWORKER_IMAGE_SUITE:-bookworm}
log() { printf '[image] %s\n' "$*" >&2; }

[ -f "$DEB" ] || { log "no $DEB (run ./build.sh deb)"; exit 1; }
rm -rf "$WORK" && mkdir -p "$WORK"
cp "$DEB" "$WORK/cpworker.deb"

# Documentation, man pages and locales stay out (copyright files stay); the .deb is installed
# with dpkg inside, so the image holds exactly what the package does.
mmdebstrap --variant=essential --mode=root --quiet \
  --include=libpcap0.8,ca-certificates,libgcc-s1,libstdc++6,zlib1g \
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
  --customize-hook='copy-in "'"$WORK"'/cpworker.deb" /tmp' \
  --customize-hook='chroot "$1" dpkg -i /tmp/cpworker.deb' \
  --customize-hook='rm -f "$1"/tmp/cpworker.deb; rm -rf "$1"/var/cache/apt/* "$1"/var/lib/apt/lists/*' \
  "$SUITE" "$WORK/rootfs.tar"

REVISION=$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)
SOURCE=${CPWORKER_SOURCE_URL:-$(git -C "$ROOT" config --get remote.origin.url 2>/dev/null || echo "cpworker source tree")}
podman rmi -f "$IMAGE" >/dev/null 2>&1 || true
podman import \
  --change 'ENTRYPOINT ["/usr/bin/cpworker"]' \
  --change 'CMD ["run", "-c", "/etc/cpworker/cpworker.json"]' \
  --change 'WORKDIR /var/lib/cpworker' \
  --change 'ENV DOTNET_gcServer=0' \
  --change "LABEL org.opencontainers.image.title=cpworker" \
  --change "LABEL org.opencontainers.image.version=$VERSION" \
  --change "LABEL org.opencontainers.image.revision=$REVISION" \
  --change "LABEL org.opencontainers.image.source=$SOURCE" \
  --change "LABEL org.opencontainers.image.licenses=MIT" \
  --change "LABEL org.opencontainers.image.description=cpworker packet capture and forwarding daemon (self-contained .NET build on Debian $SUITE)" \
  "$WORK/rootfs.tar" "$IMAGE" >/dev/null
podman save --format oci-archive -o "$ROOT/artifacts/cpworker-image-$VERSION.oci.tar" "$IMAGE" >/dev/null
rm -f "$WORK/rootfs.tar" "$WORK/cpworker.deb"
log "$IMAGE: $(podman image inspect --format '{{.Size}}' "$IMAGE") bytes; archive artifacts/cpworker-image-$VERSION.oci.tar"
