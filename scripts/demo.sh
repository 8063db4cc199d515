#!/usr/bin/env bash
# The story so far, on a fresh lab: what a fresh shared-persistence install looks like,
# what pgwarden plans to change, apply (verified), the clean re-plan, and undo.
set -euo pipefail
BIN=${1:-.build/debug/pgwarden}
LAB=${2:-.pgwarden-lab}

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ pgwarden %s\n' "$*"; "$BIN" "$@"; }

if [ -f "$LAB/lab.json" ]; then
  say "Removing the previous demo lab"
  run lab down --dir "$LAB"
fi

say "1. A disposable site that looks like a fresh install (md5, ssl off, plaintext passwords)"
run lab up --dir "$LAB" --standby
export PGWARDEN_INVENTORY="$PWD/$LAB/warden.yaml"

say "2. The inventory pgwarden wrote for it"
run inventory check

say "3. What is on disk: a stored superuser password and plaintext service passwords"
printf '%s\n' "$LAB/nodes/central/AppData/postgresql/pgpass.conf: $(wc -l < "$LAB/nodes/central/AppData/postgresql/pgpass.conf") stored password line(s)"
printf '%s\n' "$LAB/nodes/central/Licenses/appsettings.json: \"password\" is plaintext: $(grep -c '"password"' "$LAB/nodes/central/Licenses/appsettings.json") entries"

say "4. The plan: what the policy asks that the server does not do yet"
run plan

say "5. Apply it: every step journaled and verified from a fresh session"
run apply

say "6. Plan again: nothing left to do"
run plan

say "7. Undo the apply from its journal"
run undo
run plan

say "8. The lab keeps running"
run lab status --dir "$LAB"
printf '\nTear it down with: %s lab down --dir %s\n' "$BIN" "$LAB"
