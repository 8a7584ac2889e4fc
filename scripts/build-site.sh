#!/usr/bin/env bash
# The one release build of Caseport: target/release/caseport and target/site/.
#   --precompress  every file under target/site gets .br and .gz twins, served as they are
# Then the browser bundle moves into target/site/pkg/<build id>/, the id being a hash of the bundle's
# contents, written to target/site/build-id: pages load it from that versioned path, which the server
# caches as immutable (see server/src/static_files.rs). Extra arguments are passed to cargo leptos.
set -euo pipefail

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

cargo leptos build --release --precompress "$@"

site=target/site
pkg="$site/pkg"
build_id=$(cd "$pkg" && find . -maxdepth 1 -type f ! -name '*.br' ! -name '*.gz' -print0 |
  sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
mkdir -p "$pkg/$build_id"
find "$pkg" -maxdepth 1 -type f -exec mv -t "$pkg/$build_id" {} +
printf '%s\n' "$build_id" > "$site/build-id"
echo "site: bundle in $pkg/$build_id ($(find "$pkg/$build_id" -type f ! -name '*.br' ! -name '*.gz' | wc -l) files)"
