#!/usr/bin/env bash
# Caseport's whole test suite: the command CI runs (through .ci/run) and the one to run before
# pushing. Installs what is missing (scripts/setup.sh), then, failing at the first failure:
#   formatting, clippy (server, app with its tests, wasm frontend), unit/database/HTTP tests on
#   SQLite, the server tests again on a throwaway PostgreSQL cluster (on a RAM disk), the release
#   build (scripts/build-site.sh), every Playwright spec on SQLite, the journey in Firefox ESR, and
#   the specs that exercise storage (journey, security, cases, the API client, the officer console,
#   passkeys on a second app instance) again on PostgreSQL.
# Ends with `suite: N passed, 0 failed` (N = stages passed) or `suite: N passed, 1 failed`.
#
# Everything is built with the release profile, so the whole suite compiles one profile.
set -euo pipefail

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

# Only this script decides which database the tests get.
unset CASEPORT_TEST_DATABASE_URL CASEPORT_TEST_PG_CA_FILE CASEPORT_E2E_DATABASE_URL

PG_PORT=55432
# The throwaway cluster lives on a RAM disk when there is one (it keeps PostgreSQL's durable
# settings, so every commit still waits for fsync, which costs nothing there).
if [[ -d /dev/shm && -w /dev/shm ]]; then
  PG_DIR="/dev/shm/caseport-pg-test-$(id -u)"
else
  PG_DIR="$REPO_ROOT/target/pg-test"
fi
PG_SOCKET_DIR=""
PG_BIN=""
PG_STARTED=0
PG_CA_FILE=""
PG_TEST_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
PG_E2E_URL="postgres://postgres@127.0.0.1:$PG_PORT/caseport_e2e"

PASSED=0
CURRENT_STAGE="(starting)"
STAGE_STARTED=$SECONDS
SUITE_STARTED=$SECONDS

# Runs a command as the postgres user when we are root (PostgreSQL refuses to run as root).
as_pg() {
  if [[ "$(id -u)" -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_stop() {
  if ((PG_STARTED)); then
    echo "test: stopping the PostgreSQL test cluster"
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR" -m fast -w stop >/dev/null 2>&1 || true
    PG_STARTED=0
  fi
  if [[ -n "$PG_SOCKET_DIR" && "$PG_SOCKET_DIR" != "$PG_DIR" ]]; then rm -rf "$PG_SOCKET_DIR"; fi
}

# A CA and a server certificate for 127.0.0.1 and localhost in the cluster directory, so tests can
# connect with sslmode=verify-full (server/tests/tls.rs). Made anew with every cluster; the CA key is
# thrown away once it has signed.
pg_make_certificates() {
  command -v openssl >/dev/null 2>&1 || { echo "test: openssl not found (Debian package openssl)" >&2; return 1; }
  local work
  work="$(mktemp -d)"
  cat >"$work/openssl.cnf" <<'CNF'
[req]
distinguished_name = dn
prompt = no
[dn]
CN = Caseport PostgreSQL test CA
[ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[server]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1,DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF
  if ! {
    openssl req -x509 -new -config "$work/openssl.cnf" -extensions ca -days 7 \
      -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
      -keyout "$work/ca.key" -out "$PG_DIR/ca.crt" &&
      openssl req -new -config "$work/openssl.cnf" -subj "/CN=127.0.0.1" \
        -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
        -keyout "$PG_DIR/server.key" -out "$work/server.csr" &&
      openssl x509 -req -in "$work/server.csr" -CA "$PG_DIR/ca.crt" -CAkey "$work/ca.key" \
        -set_serial "0x$(openssl rand -hex 8)" -days 7 \
        -extfile "$work/openssl.cnf" -extensions server -out "$PG_DIR/server.crt"
  } >"$work/openssl.log" 2>&1; then
    cat "$work/openssl.log" >&2
    rm -rf "$work"
    return 1
  fi
  rm -rf "$work"
  # PostgreSQL refuses a key that others can read or that the server's user does not own.
  chmod 600 "$PG_DIR/server.key"
  chmod 644 "$PG_DIR/server.crt" "$PG_DIR/ca.crt"
  if [[ "$(id -u)" -eq 0 ]]; then
    chown postgres:postgres "$PG_DIR/server.key" "$PG_DIR/server.crt" "$PG_DIR/ca.crt"
  fi
  PG_CA_FILE="$PG_DIR/ca.crt"
}

pg_start() {
  PG_BIN="$(pg_bin_dir)"
  [[ -n "$PG_BIN" ]] || { echo "test: PostgreSQL server binaries not found" >&2; return 1; }
  # A cluster left running by an interrupted run holds the port: stop it first.
  if [[ -f "$PG_DIR/postmaster.pid" ]]; then
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$PG_DIR"
  mkdir -p "$PG_DIR"
  chmod 700 "$PG_DIR"
  if [[ "$(id -u)" -eq 0 ]]; then
    chown postgres:postgres "$PG_DIR"
    if ! runuser -u postgres -- test -w "$PG_DIR"; then
      # The checkout is not reachable for the postgres user (e.g. under /root): use /tmp instead.
      rm -rf "$PG_DIR"
      PG_DIR="$(mktemp -d /tmp/caseport-pg-test.XXXXXX)"
      chown postgres:postgres "$PG_DIR"
      echo "test: $REPO_ROOT/target is not writable by postgres; cluster in $PG_DIR"
    fi
  fi
  # Unix socket paths are limited to ~107 bytes.
  PG_SOCKET_DIR="$PG_DIR"
  if ((${#PG_DIR} > 80)); then
    PG_SOCKET_DIR="$(mktemp -d /tmp/caseport-pg-sock.XXXXXX)"
    [[ "$(id -u)" -eq 0 ]] && chown postgres:postgres "$PG_SOCKET_DIR"
  fi
  as_pg "$PG_BIN/initdb" -D "$PG_DIR" -A trust -U postgres -E UTF8 --no-sync >"$PG_DIR.initdb.log" 2>&1 || {
    cat "$PG_DIR.initdb.log" >&2
    return 1
  }
  pg_make_certificates
  # A throwaway cluster, but with PostgreSQL's durable defaults (fsync, synchronous_commit and
  # full_page_writes on): Caseport refuses to start without them and the tests check them.
  # TLS is on (plain connections are still accepted); the certificate paths are relative to the
  # data directory.
  if ! as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-p $PG_PORT -k $PG_SOCKET_DIR -c listen_addresses=127.0.0.1 -c max_connections=200 -c ssl=on -c ssl_cert_file=server.crt -c ssl_key_file=server.key" \
    start >/dev/null; then
    echo "test: PostgreSQL did not start; its log:" >&2
    tail -n 40 "$PG_DIR/server.log" >&2 || true
    return 1
  fi
  PG_STARTED=1
  echo "test: PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') listening on 127.0.0.1:$PG_PORT (data $PG_DIR, TLS CA $PG_CA_FILE)"
}

on_exit() {
  local rc=$?
  trap - EXIT
  pg_stop
  if ((rc != 0)); then
    printf '\ntest: FAILED in stage: %s (exit status %d, after %ds)\n' "$CURRENT_STAGE" "$rc" $((SECONDS - SUITE_STARTED))
    printf 'suite: %d passed, 1 failed\n' "$PASSED"
  fi
  exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

stage() {
  CURRENT_STAGE="$*"
  STAGE_STARTED=$SECONDS
  banner "$*"
}

stage_passed() {
  PASSED=$((PASSED + 1))
  printf -- '--> passed: %s (%ds)\n' "$CURRENT_STAGE" $((SECONDS - STAGE_STARTED))
}

# a. Tools --------------------------------------------------------------------------------------
stage "1/10 setup: install missing tools"
bash scripts/setup.sh
stage_passed

# b. Formatting ---------------------------------------------------------------------------------
stage "2/10 cargo fmt --check"
cargo fmt --all -- --check
stage_passed

# c. Lints (never --workspace: app must not be built with ssr and hydrate together) -------------
stage "3/10 clippy: server and app with their tests (ssr)"
# One invocation for both, so their units build side by side on the two CPUs.
cargo clippy --release -p server -p app --features app/ssr --all-targets -- -D warnings
stage_passed

stage "4/10 clippy: frontend (wasm32, hydrate)"
cargo clippy --release -p frontend --target wasm32-unknown-unknown -- -D warnings
stage_passed

# d. Unit, database and HTTP tests on SQLite ----------------------------------------------------
# The app's and the server's tests are one cargo invocation (their units build side by side), and
# the PostgreSQL stage repeats exactly the same command line: a different package selection
# unifies features differently and rebuilds every dependency (438 s when it was `-p server` alone).
# The app's unit tests run again there; they take under a second.
TEST_PACKAGES=(-p app -p server --features app/ssr)
stage "5/10 cargo test: app (ssr) and server on SQLite"
cargo test --release "${TEST_PACKAGES[@]}"
stage_passed

# e. The server tests again on PostgreSQL (the cluster stays up for the browser tests) ----------
stage "6/10 cargo test: app and server on PostgreSQL"
pg_start
CASEPORT_TEST_DATABASE_URL="$PG_TEST_URL" CASEPORT_TEST_PG_CA_FILE="$PG_CA_FILE" cargo test --release "${TEST_PACKAGES[@]}"
stage_passed

# f. Release build: target/release/caseport and target/site -------------------------------------
stage "7/10 release build: cargo leptos build --release --precompress"
bash scripts/build-site.sh
stage_passed

# g. Browser tests -----------------------------------------------------------------------------
stage "8/10 Playwright on SQLite"
(cd end2end && npx playwright test)
stage_passed

stage "9/10 Firefox ESR: the journey, hydrated"
(cd end2end && npm run --silent test:firefox)
stage_passed

# The other specs test rendering, language, accessibility and the PWA, which do not depend on the
# database; they ran once above.
stage "10/10 Playwright on PostgreSQL: the specs that exercise storage"
"$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres caseport_e2e
(cd end2end && CASEPORT_E2E_DATABASE_URL="$PG_E2E_URL" npx playwright test tests/journey.spec.ts tests/security.spec.ts tests/cases.spec.ts tests/torch-client.spec.ts tests/officer.spec.ts tests/paper-filing.spec.ts tests/passkeys.spec.ts)
stage_passed

pg_stop
printf '\ntest: all stages passed in %ds\n' $((SECONDS - SUITE_STARTED))
printf 'suite: %d passed, 0 failed\n' "$PASSED"
