#!/usr/bin/env bash
# Installs code-server 4.100.3 (= VS Code 1.100.3, the newest that runs on Node 20) into .cache/code-server/,
# outside the extension's own dependencies, for the real-VS-Code test and `npm run demo`. Idempotent: a second
# run only checks the install. Follows /work/shared/RECIPES.md: @vscode/ripgrep's postinstall would download rg
# from the internet, so its cache is pre-seeded with Debian's rg; as root, postinstalls need unsafe_perm, and
# node-pty's `npx node-gyp` needs npm_config_yes.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PREFIX="$ROOT/.cache/code-server"
VERSION=4.100.3
BIN="$PREFIX/node_modules/.bin/code-server"

# code-server writes a default config under XDG_CONFIG_HOME even for --version: keep it out of the real home.
export XDG_CONFIG_HOME="$ROOT/.cache/code-server-tmp/xdg-config"
if [ -x "$BIN" ] && "$BIN" --version 2>/dev/null | grep -q "^$VERSION "; then
  echo "code-server $VERSION already installed in $PREFIX"
  exit 0
fi

need_apt=()
command -v rg >/dev/null 2>&1 || need_apt+=(ripgrep)
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing Debian packages: ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update
  $SUDO apt-get install -y "${need_apt[@]}"
fi

# Pre-seed @vscode/ripgrep 1.15.11's download cache (it looks in $TMPDIR/vscode-ripgrep-cache-<version>).
export TMPDIR="$ROOT/.cache/code-server-tmp"
CACHE="$TMPDIR/vscode-ripgrep-cache-1.15.11"
mkdir -p "$CACHE" "$TMPDIR/rgpkg" "$PREFIX"
cp "$(command -v rg)" "$TMPDIR/rgpkg/rg"
for arch in x86_64-unknown-linux-musl aarch64-unknown-linux-musl; do
  tar czf "$CACHE/ripgrep-v13.0.0-10-$arch.tar.gz" -C "$TMPDIR/rgpkg" rg
done

[ -f "$PREFIX/package.json" ] || echo '{ "name": "flaglens-code-server", "private": true }' > "$PREFIX/package.json"
echo "installing code-server $VERSION into $PREFIX (about a minute)"
( cd "$PREFIX" && npm_config_unsafe_perm=true npm_config_yes=true \
    npm install --no-audit --no-fund --foreground-scripts "code-server@$VERSION" )
"$BIN" --version | grep "^$VERSION "
