# shellcheck shell=bash
# Shared settings for the developer scripts. Sourced, never run directly.

# Repository root (the parent of scripts/), whatever the caller's cwd.
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Pinned tool versions. wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock.
# shellcheck disable=SC2034 # used by the scripts that source this file
{
  CARGO_LEPTOS_VERSION="0.3.6"
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
