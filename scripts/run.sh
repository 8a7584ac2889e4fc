#!/usr/bin/env bash
# Runs Caseport locally for development, with a demo account:
#   installs missing tools, builds the release binary and site, migrates data/caseport.db,
#   creates demo@caseport.test once, prints how to sign in, then serves http://127.0.0.1:3000.
# Emails (verification codes for new accounts) are written to data/outbox/*.eml.
set -euo pipefail

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

DEMO_EMAIL="demo@caseport.test"
DEMO_PASSWORD="caseport-demo-passphrase"
# A fixed, public demo key (32 Base32 characters = 160 bits). Never use it for a real account.
DEMO_TOTP_SECRET="CASEPORTDEMOTOTPSECRETKEY234567A"

# Development settings; anything already exported in the shell wins.
export CASEPORT_ENVIRONMENT="${CASEPORT_ENVIRONMENT:-development}" # generates data/master.key
DATA_DIR="${CASEPORT_DATA_DIR:-data}"
DATABASE_URL="${CASEPORT_DATABASE_URL:-sqlite://data/caseport.db}"
export CASEPORT_DEV_MAIL_SINK="${CASEPORT_DEV_MAIL_SINK:-127.0.0.1:2525}"
export CASEPORT_SMTP_URL="${CASEPORT_SMTP_URL:-smtp://127.0.0.1:2525}"
export CASEPORT_LOG_FORMAT="${CASEPORT_LOG_FORMAT:-pretty}" # readable logs in the terminal
LISTEN="${CASEPORT_LISTEN:-127.0.0.1:3000}"
BASE_URL="${CASEPORT_BASE_URL:-http://$LISTEN}"

banner "setup"
bash scripts/setup.sh

banner "release build (scripts/build-site.sh)"
bash scripts/build-site.sh

BIN="$REPO_ROOT/target/release/caseport"
[[ -x "$BIN" ]] || { echo "run: $BIN was not built" >&2; exit 1; }
mkdir -p "$DATA_DIR" "$DATA_DIR/outbox"
# An empty file is a valid empty SQLite database (the app need not create a missing file).
if [[ "$DATABASE_URL" == sqlite:* ]]; then
  db_file="${DATABASE_URL#sqlite://}"
  db_file="${db_file#sqlite:}"
  db_file="${db_file%%\?*}"
  mkdir -p "$(dirname "$db_file")"
  [[ -e "$db_file" ]] || : >"$db_file"
fi

banner "database"
"$BIN" migrate

# The demo account, once. create-account fails with "... already exists" on later runs.
create_err="$(mktemp)"
trap 'rm -f "$create_err"' EXIT
set +e
create_out="$(printf '%s\n' "$DEMO_PASSWORD" |
  "$BIN" create-account --email "$DEMO_EMAIL" --password-stdin --totp-secret "$DEMO_TOTP_SECRET" 2>"$create_err")"
create_status=$?
set -e
if ((create_status == 0)); then
  summary="$(grep -i "account number" <<<"$create_out" | tail -n1 || true)"
  echo "run: ${summary:-created the demo account $DEMO_EMAIL}"
elif grep -qi "already exists" "$create_err" || grep -qi "already exists" <<<"$create_out"; then
  echo "run: the demo account $DEMO_EMAIL already exists"
else
  echo "run: could not create the demo account (exit status $create_status):" >&2
  cat "$create_err" >&2
  printf '%s\n' "$create_out" >&2
  exit 1
fi
rm -f "$create_err"
trap - EXIT

if command -v oathtool >/dev/null 2>&1; then
  code_hint="oathtool --totp -b $DEMO_TOTP_SECRET"
else
  code_hint="node scripts/totp.mjs $DEMO_TOTP_SECRET   (or: oathtool --totp -b $DEMO_TOTP_SECRET, from Debian's oathtool)"
fi

cat <<EOF

==================================================================================================
 Caseport is starting at  $BASE_URL

 Sign in with the demo account:
   Email address:        $DEMO_EMAIL
   Password:             $DEMO_PASSWORD
   Authentication code:  from an authenticator app set up with the key
                           $DEMO_TOTP_SECRET
                         (add it by hand as a time-based key: SHA-1, 6 digits, 30 seconds),
                         or print the current code with
                           $code_hint
                         Each code works once: wait for the next one to sign in again.

 Or create a new account at $BASE_URL/register: the verification email is written to
   $DATA_DIR/outbox/   (newest last:  ls -tr $DATA_DIR/outbox | tail -n1 ;
                                 the code:     grep -h "verification code is" $DATA_DIR/outbox/*.eml | tail -n1)

 Stop with Ctrl-C. Delete $DATA_DIR/ to start again from an empty database.
==================================================================================================

EOF

exec "$BIN" serve
