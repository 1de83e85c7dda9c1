#!/usr/bin/env bash
# Installs code-server (VS Code in a browser) and playwright-core for the VS Code end-to-end test, from the npm
# registry only. code-server's own install script downloads from elsewhere and fails here, so it is skipped and
# its steps are done by hand: the argon2 binding, VS Code's server packages (without their download scripts), Debian's
# ripgrep in place of the downloaded one, then a rebuild of the native modules against this node.
# Needs node 20 (code-server 4.100.3 wants 20), a C++ toolchain, libkrb5-dev, libx11-dev, libxkbfile-dev,
# libsecret-1-dev and ripgrep (./coxswain test installs them).
set -euo pipefail
cd "$(dirname "$0")"
# node-gyp builds against the installed node's headers instead of downloading them
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node_version.h ]; then export npm_config_nodedir=/usr; fi
npm ci --ignore-scripts --no-audit --no-fund
npm rebuild argon2
vscode=node_modules/code-server/lib/vscode
(cd "$vscode" && npm install --omit=dev --ignore-scripts --no-audit --no-fund --no-save)
mkdir -p "$vscode/node_modules/@vscode/ripgrep/bin"
cp "$(command -v rg)" "$vscode/node_modules/@vscode/ripgrep/bin/rg"
(cd "$vscode" && npm_config_yes=true npm rebuild)
# what code-server's postinstall does besides installing: VS Code looks for some files in node_modules.asar
ln -sfn node_modules "$vscode/node_modules.asar"
touch node_modules/.coxswain-installed
