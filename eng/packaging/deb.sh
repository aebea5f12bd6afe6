#!/usr/bin/env bash
# Builds artifacts/cpworker_<version>_amd64.deb from the self-contained publish in
# artifacts/publish (./build.sh deb runs ./build.sh publish first). docs/deploy.md describes
# the layout. Usage: eng/packaging/deb.sh ROOT VERSION
set -euo pipefail
ROOT=$1
VERSION=$2
PUBLISH=$ROOT/artifacts/publish
STAGE=$ROOT/artifacts/deb/cpworker_${VERSION}_amd64
OUT=$ROOT/artifacts/cpworker_${VERSION}_amd64.deb
log() { printf '[deb] %s\n' "$*" >&2; }

[ -x "$PUBLISH/cpworker" ] || { log "no self-contained daemon in $PUBLISH (run ./build.sh publish)"; exit 1; }
rm -rf "$STAGE"
install -d -m 0755 "$STAGE/DEBIAN" "$STAGE/usr/lib/cpworker" "$STAGE/usr/bin" "$STAGE/lib/systemd/system" \
  "$STAGE/etc/cpworker" "$STAGE/usr/share/doc/cpworker" "$STAGE/var/lib/cpworker"

# The daemon: the whole self-contained folder, symbols and XML docs left out.
(cd "$PUBLISH" && find . -type f ! -name '*.pdb' ! -name '*.xml' -print0) | while IFS= read -r -d '' f; do
  install -D -m 0644 "$PUBLISH/$f" "$STAGE/usr/lib/cpworker/$f"
done
chmod 0755 "$STAGE/usr/lib/cpworker/cpworker"
ln -s ../lib/cpworker/cpworker "$STAGE/usr/bin/cpworker"

# The unit, pointing at the packaged binary.
sed 's#/usr/local/bin/cpworker#/usr/bin/cpworker#g' "$ROOT/configs/cpworker.service" > "$STAGE/lib/systemd/system/cpworker.service"
chmod 0644 "$STAGE/lib/systemd/system/cpworker.service"

# Example config (a conffile): capture on lo into /var/lib/cpworker/captures.
sed 's#"./captures"#"/var/lib/cpworker/captures"#' "$ROOT/configs/quickstart.json" > "$STAGE/etc/cpworker/cpworker.json"
chmod 0644 "$STAGE/etc/cpworker/cpworker.json"

# Docs: what the unit's Documentation= points at, plus the rest of docs/.
install -m 0644 "$ROOT"/docs/*.md "$STAGE/usr/share/doc/cpworker/"
install -m 0644 "$ROOT/README.md" "$STAGE/usr/share/doc/cpworker/README.md"
{
  echo "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"
  echo "Upstream-Name: cpworker"
  echo
  echo "Files: *"
  echo "Copyright: 2026 cpworker developers"
  echo "License: MIT"
  sed 's/^$/./; s/^/ /' "$ROOT/LICENSE"
} > "$STAGE/usr/share/doc/cpworker/copyright"
printf 'cpworker (%s) unstable; urgency=medium\n\n  * Release %s.\n\n -- cpworker developers <cpworker@localhost>  %s\n' \
  "$VERSION" "$VERSION" "$(date -R -u -d @"${SOURCE_DATE_EPOCH:-$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || date +%s)}")" \
  | gzip -9n > "$STAGE/usr/share/doc/cpworker/changelog.gz"

# What the operate work adds, when it is there: the man page and shell completions.
if [ -f "$ROOT/deploy/man/cpworker.1" ]; then
  install -d "$STAGE/usr/share/man/man1"
  gzip -9n < "$ROOT/deploy/man/cpworker.1" > "$STAGE/usr/share/man/man1/cpworker.1.gz"
else
  log "deploy/man/cpworker.1 not there yet: no man page in the package"
fi
if "$PUBLISH/cpworker" completion bash > "$STAGE/cpworker.bash" 2>/dev/null && [ -s "$STAGE/cpworker.bash" ]; then
  install -D -m 0644 "$STAGE/cpworker.bash" "$STAGE/usr/share/bash-completion/completions/cpworker"
  "$PUBLISH/cpworker" completion zsh > "$STAGE/cpworker.zsh" && install -D -m 0644 "$STAGE/cpworker.zsh" "$STAGE/usr/share/zsh/vendor-completions/_cpworker"
else
  log "cpworker completion is not there yet: no shell completions in the package"
fi
rm -f "$STAGE/cpworker.bash" "$STAGE/cpworker.zsh"

# Lintian tags that are expected, each with its reason (docs/deploy.md, "Debian package").
install -d "$STAGE/usr/share/lintian/overrides"
cat > "$STAGE/usr/share/lintian/overrides/cpworker" <<'OVERRIDES'
# The self-contained .NET runtime links its own zlib-ng into its compression shim; it is part of
# the runtime build, not a copy we could replace with Debian's zlib1g.
cpworker: embedded-library zlib [usr/lib/cpworker/libSystem.IO.Compression.Native.so]
# The project has no mail address; the package is built locally, not uploaded to Debian.
cpworker: bogus-mail-host *
cpworker: bogus-mail-host-in-debian-changelog *
OVERRIDES
if [ ! -f "$STAGE/usr/share/man/man1/cpworker.1.gz" ]; then
  printf '%s\n' '# The man page comes with the operate work (deploy/man/cpworker.1); until then there is none.' 'cpworker: no-manual-page [usr/bin/cpworker]' >> "$STAGE/usr/share/lintian/overrides/cpworker"
fi
chmod 0644 "$STAGE/usr/share/lintian/overrides/cpworker"

SIZE=$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)
cat > "$STAGE/DEBIAN/control" <<CONTROL
Package: cpworker
Version: $VERSION
Architecture: amd64
Maintainer: cpworker developers <cpworker@localhost>
Installed-Size: $SIZE
Depends: libpcap0.8, libc6, libgcc-s1, libstdc++6, zlib1g
Section: net
Priority: optional
Description: packet capture and forwarding daemon
 cpworker captures packets with libpcap (on interfaces, in network
 namespaces or pods), tags their direction and forwards them over GRE,
 VXLAN or ZeroMQ or writes pcap files. It is a drop-in replacement for
 the C implementation: same configuration, control protocol and bytes.
 This package holds the self-contained .NET build: no .NET runtime is
 needed.
CONTROL
echo /etc/cpworker/cpworker.json > "$STAGE/DEBIAN/conffiles"
(cd "$STAGE" && find . -path ./DEBIAN -prune -o -type f -print0 | sort -z | xargs -0 md5sum | sed 's# \./# #') > "$STAGE/DEBIAN/md5sums"
chmod 0644 "$STAGE/DEBIAN/control" "$STAGE/DEBIAN/conffiles" "$STAGE/DEBIAN/md5sums"

dpkg-deb --root-owner-group -Zxz --build "$STAGE" "$OUT" >/dev/null
log "$OUT ($(du -h "$OUT" | cut -f1))"
