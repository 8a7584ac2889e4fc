#!/usr/bin/env bash
# Installs everything Caseport's build, tests and demo need. Idempotent: every step checks first,
# so a second run takes a few seconds. Prints one line per tool: present / installed.
#
#   Rust components   rustfmt, clippy, target wasm32-unknown-unknown
#   Debian packages   chromium chromium-driver postgresql openssl (+ pkg-config libssl-dev for cargo install),
#                     gcc libc6-dev make perl (linking and build scripts), firefox-esr (the Firefox journey)
#   cargo tools       cargo-leptos (pinned), wasm-bindgen-cli (the version in Cargo.lock)
#   npm               binaryen (wasm-opt) in .tools/, end2end/node_modules (npm ci)
set -euo pipefail

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

SUDO=""
if [[ "$(id -u)" -ne 0 ]]; then SUDO="sudo"; fi

report() { printf '  %-28s %s\n' "$1" "$2"; }
die() { printf 'setup: %s\n' "$*" >&2; exit 1; }

echo "setup: checking tools in $REPO_ROOT"

# --- Rust toolchain -------------------------------------------------------------------------
command -v cargo >/dev/null 2>&1 || die "cargo not found: install the Rust toolchain (rustup) first"
report "rust" "present ($(rustc --version | cut -d' ' -f1-2))"

for comp in rustfmt clippy; do
  if [[ "$comp" == rustfmt ]]; then probe=(cargo fmt --version); else probe=(cargo clippy --version); fi
  if "${probe[@]}" >/dev/null 2>&1; then
    report "$comp" "present"
  else
    rustup component add "$comp" || die "could not install the Rust component $comp"
    report "$comp" "installed"
  fi
done

if [[ -d "$(rustc --print sysroot)/lib/rustlib/wasm32-unknown-unknown" ]]; then
  report "target wasm32-unknown-unknown" "present"
else
  rustup target add wasm32-unknown-unknown || die "could not add the wasm32-unknown-unknown target"
  report "target wasm32-unknown-unknown" "installed"
fi

# --- Debian packages ------------------------------------------------------------------------
# The first group is installed with Debian's recommended packages (as it always was); the C
# toolchain (the linker for Rust, cc for build scripts; make and perl for vendored C builds) and
# firefox-esr (end2end/firefox/journey.mjs) without them: firefox-esr alone would otherwise pull in
# ffmpeg and the video drivers, which a headless test never uses.
apt_packages=(chromium chromium-driver postgresql openssl pkg-config libssl-dev)
apt_packages_no_recommends=(gcc libc6-dev make perl firefox-esr)
apt_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
missing=()
missing_no_recommends=()
for pkg in "${apt_packages[@]}"; do
  if apt_installed "$pkg"; then report "$pkg" "present"; else missing+=("$pkg"); fi
done
for pkg in "${apt_packages_no_recommends[@]}"; do
  if apt_installed "$pkg"; then report "$pkg" "present"; else missing_no_recommends+=("$pkg"); fi
done
if ((${#missing[@]} + ${#missing_no_recommends[@]} > 0)); then
  command -v apt-get >/dev/null 2>&1 \
    || die "apt-get not found; install ${missing[*]} ${missing_no_recommends[*]} by hand"
  $SUDO apt-get update -qq
  if ((${#missing[@]} > 0)); then
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    for pkg in "${missing[@]}"; do report "$pkg" "installed"; done
  fi
  if ((${#missing_no_recommends[@]} > 0)); then
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "${missing_no_recommends[@]}" >/dev/null
    for pkg in "${missing_no_recommends[@]}"; do report "$pkg" "installed"; done
  fi
fi
command -v cc >/dev/null 2>&1 || die "no C compiler (cc) on PATH after installing gcc"
[[ -n "$(pg_bin_dir)" ]] || die "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin"

# --- Node.js ----------------------------------------------------------------------------------
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
  report "node" "installed ($(node --version))"
else
  report "node" "present ($(node --version))"
fi
node_major="$(node -p 'process.versions.node.split(".")[0]')"
((node_major >= 20)) || die "Node.js >= 20 is needed (found $(node --version))"

# --- cargo-leptos -----------------------------------------------------------------------------
if cargo leptos --version 2>/dev/null | grep -qF "$CARGO_LEPTOS_VERSION"; then
  report "cargo-leptos" "present ($CARGO_LEPTOS_VERSION)"
else
  echo "  cargo-leptos: installing $CARGO_LEPTOS_VERSION (about 15 minutes on 2 cores)..."
  cargo install cargo-leptos --locked --version "$CARGO_LEPTOS_VERSION"
  report "cargo-leptos" "installed ($CARGO_LEPTOS_VERSION)"
fi

# --- wasm-bindgen-cli (exactly the version in Cargo.lock) --------------------------------------
wb_version="$(wasm_bindgen_lock_version)"
[[ -n "$wb_version" ]] || die "wasm-bindgen not found in Cargo.lock"
if [[ "$(wasm-bindgen --version 2>/dev/null || true)" == "wasm-bindgen $wb_version"* ]]; then
  report "wasm-bindgen-cli" "present ($wb_version)"
else
  echo "  wasm-bindgen-cli: installing $wb_version (a few minutes)..."
  # No --locked: the published lockfile of some versions does not build.
  cargo install wasm-bindgen-cli --version "$wb_version" --force
  [[ "$(wasm-bindgen --version 2>/dev/null || true)" == "wasm-bindgen $wb_version"* ]] \
    || die "wasm-bindgen on PATH is $(command -v wasm-bindgen) ($(wasm-bindgen --version 2>&1)), expected $wb_version"
  report "wasm-bindgen-cli" "installed ($wb_version)"
fi

# --- wasm-opt (npm package binaryen, project-local in .tools/) --------------------------------
binaryen_installed() {
  [[ -x "$TOOLS_DIR/node_modules/.bin/wasm-opt" ]] &&
    [[ "$(node -p "require('$TOOLS_DIR/node_modules/binaryen/package.json').version" 2>/dev/null)" == "$BINARYEN_VERSION" ]]
}
if binaryen_installed; then
  report "wasm-opt (binaryen)" "present ($BINARYEN_VERSION)"
else
  mkdir -p "$TOOLS_DIR"
  printf '*\n' >"$TOOLS_DIR/.gitignore" # the folder ignores itself
  npm install --prefix "$TOOLS_DIR" --no-audit --no-fund --loglevel=error "binaryen@$BINARYEN_VERSION" >/dev/null
  binaryen_installed || die "binaryen $BINARYEN_VERSION did not install into $TOOLS_DIR"
  report "wasm-opt (binaryen)" "installed ($BINARYEN_VERSION)"
fi
[[ "$(command -v wasm-opt)" == "$TOOLS_DIR/node_modules/.bin/wasm-opt" ]] \
  || die "wasm-opt on PATH is $(command -v wasm-opt), expected the one in $TOOLS_DIR"

# --- end2end npm packages (npm ci from the committed lockfile) ---------------------------------
e2e_dir="$REPO_ROOT/end2end"
if [[ -f "$e2e_dir/package.json" ]]; then
  stamp="$e2e_dir/node_modules/.caseport-install-stamp"
  lock_files=("$e2e_dir/package.json")
  [[ -f "$e2e_dir/package-lock.json" ]] && lock_files+=("$e2e_dir/package-lock.json")
  want="$(cat "${lock_files[@]}" | sha256sum | cut -d' ' -f1) node-$(node --version)"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -d "$e2e_dir/node_modules/@playwright/test" ]]; then
    report "end2end/node_modules" "present"
  else
    # Browsers are not downloaded: the suite drives Debian's /usr/bin/chromium, and
    # end2end/firefox/journey.mjs Debian's /usr/bin/firefox-esr (puppeteer-core downloads nothing;
    # the variable keeps it that way should the full puppeteer package ever be added).
    export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 PUPPETEER_SKIP_DOWNLOAD=1
    if [[ -f "$e2e_dir/package-lock.json" ]]; then
      (cd "$e2e_dir" && npm ci --no-audit --no-fund --loglevel=error)
    else
      echo "  end2end: no package-lock.json committed; falling back to npm install" >&2
      (cd "$e2e_dir" && npm install --no-package-lock --no-audit --no-fund --loglevel=error)
    fi
    lock_files=("$e2e_dir/package.json")
    [[ -f "$e2e_dir/package-lock.json" ]] && lock_files+=("$e2e_dir/package-lock.json")
    want="$(cat "${lock_files[@]}" | sha256sum | cut -d' ' -f1) node-$(node --version)"
    printf '%s\n' "$want" >"$stamp"
    report "end2end/node_modules" "installed"
  fi
else
  report "end2end/node_modules" "skipped (no end2end/package.json)"
fi

echo "setup: all tools present"
