# shellcheck shell=bash
# Shared settings for the developer scripts. Sourced, never run directly.

# Repository root (the parent of scripts/), whatever the caller's cwd.
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Pinned tool versions. wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock.
# shellcheck disable=SC2034 # used by the scripts that source this file
{
  CARGO_LEPTOS_VERSION="0.3.7"
  BINARYEN_VERSION="132.0.0"
}
TOOLS_DIR="$REPO_ROOT/.tools"

# Tools installed by scripts/setup.sh: cargo's bin dir and the project-local npm prefix (wasm-opt).
case ":$PATH:" in
  *":${CARGO_HOME:-$HOME/.cargo}/bin:"*) ;;
  *) PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH" ;;
esac
PATH="$TOOLS_DIR/node_modules/.bin:$PATH"
export PATH

# cargo-leptos compiles with LEPTOS_OUTPUT_NAME set (the `name` in Cargo.toml's
# [[workspace.metadata.leptos]]); leptos reads it at compile time (option_env!), both for the file
# names in the hydration script (caseport.wasm, not caseport_bg.wasm) and in its build fingerprint.
# Setting it for every cargo command keeps plain cargo builds (clippy, tests) identical to
# cargo-leptos ones: no rebuild of leptos and everything above it when switching between them, and
# `cargo test` never leaves a target/release/caseport that asks for the wrong wasm file.
if [[ -z "${LEPTOS_OUTPUT_NAME:-}" ]]; then
  LEPTOS_OUTPUT_NAME="$(awk '
    /^\[\[workspace\.metadata\.leptos\]\]/ { in_meta = 1; next }
    /^\[/ { in_meta = 0 }
    in_meta && /^name *= */ { gsub(/"/, "", $3); print $3; exit }
  ' "$REPO_ROOT/Cargo.toml")"
  export LEPTOS_OUTPUT_NAME="${LEPTOS_OUTPUT_NAME:-caseport}"
fi

if [[ "${CI:-}" == "true" || "${CI:-}" == "1" ]]; then
  export CARGO_TERM_COLOR=never
fi

# The wasm-bindgen version pinned by Cargo.lock (empty when not found).
wasm_bindgen_lock_version() {
  awk '
    /^\[\[package\]\]/ { in_pkg = 0 }
    /^name = "wasm-bindgen"$/ { in_pkg = 1; next }
    in_pkg && /^version = / { gsub(/"/, "", $3); print $3; exit }
  ' "$REPO_ROOT/Cargo.lock"
}

# The PostgreSQL server binaries directory (highest installed major version), or empty.
pg_bin_dir() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [[ -x "$d/initdb" ]] && printf '%s\n' "$d"
  done | sort -t/ -k4,4n | tail -n1
}

banner() {
  printf '\n==================== %s ====================\n' "$*"
}
