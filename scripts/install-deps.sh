#!/usr/bin/env bash
# Installs what a fresh Debian machine lacks for building, testing and the demo:
# the PostgreSQL server (initdb, pg_ctl, postgres, pg_basebackup, pg_rewind), openssl,
# runuser, iproute2's ip and python3.
# `install-deps.sh bench` also installs sslscan, which `make bench` compares our probe with.
# Safe to run again: it does nothing when everything is there.
set -euo pipefail

have_server() {
  for dir in /usr/lib/postgresql/*/bin; do
    [ -x "$dir/postgres" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && return 0
  done
  return 1
}

need=()
have_server || need+=(postgresql postgresql-contrib)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v runuser >/dev/null 2>&1 || need+=(util-linux)
# `ip` brings up loopback in the network namespace a test makes for a server on listen_addresses='*'.
command -v ip >/dev/null 2>&1 || [ -x /usr/sbin/ip ] || [ -x /sbin/ip ] || need+=(iproute2)
# python3 sets an extended attribute in the atomic-write test (and `make bench` compares our
# SCRAM verifiers with hashlib's).
command -v python3 >/dev/null 2>&1 || need+=(python3)
if [ "${1:-}" = "bench" ]; then
  command -v sslscan >/dev/null 2>&1 || need+=(sslscan)
fi

if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing: ${need[*]} — run as root or: sudo apt-get install -y ${need[*]}" >&2
    exit 1
  fi
  echo "installing: ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# Debian's package starts a cluster of its own on 5432; our labs never use it, and it only
# costs memory, so stop it when we just installed it (harmless if there is none).
if [ ${#need[@]} -gt 0 ] && command -v pg_ctlcluster >/dev/null 2>&1; then
  for conf in /etc/postgresql/*/main; do
    [ -d "$conf" ] || continue
    version=$(basename "$(dirname "$conf")")
    pg_ctlcluster "$version" main stop >/dev/null 2>&1 || true
  done
fi

if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
  echo "the postgres OS user is missing; reinstall postgresql-common" >&2
  exit 1
fi
echo "dependencies OK: $(ls -d /usr/lib/postgresql/*/bin | tail -n 1)" >&2
