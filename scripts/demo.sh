#!/usr/bin/env bash
# The story so far, on a fresh lab: a site as a fresh install leaves it, what pgwarden
# finds and fixes (settings, sealed passwords, SCRAM, TLS), and a failover that repoints
# every service.
set -euo pipefail
BIN=${1:-.build/debug/pgwarden}
LAB=${2:-.pgwarden-lab}

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ pgwarden %s\n' "$*"; "$BIN" "$@"; }
# Commands whose non-zero exit is part of the story (findings are exit 1).
show() { printf '$ pgwarden %s\n' "$*"; "$BIN" "$@" || true; }

if [ -f "$LAB/lab.json" ]; then
  say "Removing the previous demo lab"
  run lab down --dir "$LAB"
fi

say "1. A disposable site that looks like a fresh install (md5, ssl off, plaintext passwords)"
run lab up --dir "$LAB" --standby
export PGWARDEN_INVENTORY="$PWD/$LAB/warden.yaml"
run inventory check

say "2. The audit: read-only findings from the database, the files and the wire"
show audit --fail-on high
"$BIN" audit --format json > "$LAB/audit-before.json" || true

say "3. The plan for the server's policy (settings), applied and verified, then undone and re-applied"
run plan --only settings
run apply --only settings
run undo
run apply --only settings
say "   Safe under faults: pgwarden dies (as with kill -9) after writing the second service file; the re-run resumes, undo restores both"
printf '$ PGWARDEN_FAULT=file.renamed#3 pgwarden services apply --require-ssl   # test-only fault switch\n'
PGWARDEN_FAULT='file.renamed#3' "$BIN" services apply --require-ssl >/dev/null 2>&1 || echo "(pgwarden died, exit $?)"
run services apply --require-ssl
run undo

say "4. Service configs: the connection string editor, and every plaintext password sealed"
run connstr show "$LAB/nodes/central/Repository/Repository.exe.config" QSR
run key init
run services plan --seal
run services apply --seal
run connstr show "$LAB/nodes/central/Licenses/appsettings.json" licenses

say "5. Passwords: md5 -> SCRAM without locking anybody out, then a fleet-wide rotation"
run plan --only auth
run apply --only auth
run password rotate qliksenserepository --generate

say "6. Traffic encryption: a site CA, a server certificate, ssl on with TLS >= 1.2 and strong suites"
run tls ca init
# The lab's services dial 127.0.0.1, so the certificate names that address too (--ip-san).
run tls issue server --node db1 --ip-san
run apply --only tls
say "   Services require TLS 1.2; only then pg_hba.conf turns hostssl-only, proven on the wire"
run services apply --require-ssl --tls-min 1.2
run apply --only tls
run services apply --verify-full --root-cert "$LAB/state/tls/ca.crt"
run tls show

say "7. The audit again: what apply, the sealing, SCRAM and TLS fixed is gone"
show audit --fail-on high
"$BIN" audit --format json > "$LAB/audit-after.json" || true
total() { grep -o '"total" *: *[0-9]*' "$1" | grep -o '[0-9]*$'; }
printf 'findings: %s before, %s after (JSON reports in %s)\n' "$(total "$LAB/audit-before.json")" "$(total "$LAB/audit-after.json")" "$LAB"

say "8. A streaming standby: replication role (SCRAM), slot, hostssl pg_hba line, base backup"
run replica add db2
run status

say "9. Disaster: the primary is killed (kill -9); failover fences it, promotes db2, repoints every service"
kill -9 "$(head -n 1 "$LAB/db1/data/postmaster.pid")"
sleep 1
run failover
run connstr show "$LAB/nodes/rim1/Repository/Repository.exe.config" QSR

say "10. The old primary rejoins as a standby (pg_rewind), then a planned switchover back"
run rejoin db1
run switchover --to db1
run status
show audit --fail-on high

printf '\nThe lab keeps running. Tear it down with: %s lab down --dir %s\n' "$BIN" "$LAB"
