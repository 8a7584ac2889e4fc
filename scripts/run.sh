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
OFFICER_EMAIL="officer@caseport.test"
OFFICER_PASSWORD="caseport-officer-passphrase"
OFFICER_TOTP_SECRET="CASEPORTOFFICERTOTPSECRETKEY2345"
SUPERVISOR_EMAIL="supervisor@caseport.test"
SUPERVISOR_PASSWORD="caseport-supervisor-passphrase"
SUPERVISOR_TOTP_SECRET="CASEPORTSUPERVISORTOTPSECRET2345"

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
# Creates a verified account with an authenticator (role: applicant, officer, ...) unless it exists.
create_demo_account() {
  local email="$1" password="$2" secret="$3" role="$4" out err status summary
  err="$(mktemp)"
  set +e
  out="$(printf '%s\n' "$password" |
    "$BIN" create-account --email "$email" --password-stdin --totp-secret "$secret" --role "$role" 2>"$err")"
  status=$?
  set -e
  if ((status == 0)); then
    summary="$(grep -i "account number" <<<"$out" | tail -n1 || true)"
    echo "run: ${summary:-created $email}"
  elif grep -qi "already exists" "$err" || grep -qi "already exists" <<<"$out"; then
    echo "run: the demo account $email already exists"
  else
    echo "run: could not create the demo account $email (exit status $status):" >&2
    cat "$err" >&2
    printf '%s\n' "$out" >&2
    rm -f "$err"
    exit 1
  fi
  rm -f "$err"
}

create_demo_account "$DEMO_EMAIL" "$DEMO_PASSWORD" "$DEMO_TOTP_SECRET" applicant
create_demo_account "$OFFICER_EMAIL" "$OFFICER_PASSWORD" "$OFFICER_TOTP_SECRET" officer
create_demo_account "$SUPERVISOR_EMAIL" "$SUPERVISOR_PASSWORD" "$SUPERVISOR_TOTP_SECRET" supervisor
# Three cases for the demo applicant (one with a long history, one waiting for evidence, one new).
"$BIN" seed-demo --email "$DEMO_EMAIL" | sed 's/^/run: /'

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

 The demo applicant has three cases: see $BASE_URL/account after signing in, or look one up
 without signing in at $BASE_URL/case-status (the receipt numbers are printed above).

 The demo officer:       $OFFICER_EMAIL / $OFFICER_PASSWORD
                         authenticator key $OFFICER_TOTP_SECRET
 The demo supervisor:    $SUPERVISOR_EMAIL / $SUPERVISOR_PASSWORD
                         authenticator key $SUPERVISOR_TOTP_SECRET
                         (invites staff at $BASE_URL/officer/staff; the invitation emails
                         land in $DATA_DIR/outbox/ like every other email)

 Or create a new account at $BASE_URL/register: the verification email is written to
   $DATA_DIR/outbox/   (newest last:  ls -tr $DATA_DIR/outbox | tail -n1 ;
                                 the code:     grep -h "verification code is" $DATA_DIR/outbox/*.eml | tail -n1)

 Stop with Ctrl-C. Delete $DATA_DIR/ to start again from an empty database.
==================================================================================================

EOF

exec "$BIN" serve
