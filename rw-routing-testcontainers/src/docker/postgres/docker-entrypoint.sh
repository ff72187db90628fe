#!/bin/bash
# The official postgres image's entrypoint contract, reduced to what tests need:
# - first start with an empty PGDATA: initdb with POSTGRES_USER / POSTGRES_PASSWORD (scram-sha-256 over TCP,
#   trust on the local socket), a temporary server on the socket only to create POSTGRES_DB and run
#   /docker-entrypoint-initdb.d/*.sql|*.sh, stopped again (so "ready to accept connections" appears twice);
# - POSTGRES_PRIMARY_HOST set: a streaming hot standby instead, cloned with pg_basebackup -R from that primary
#   (waiting for it), logging "ready to accept read-only connections" once;
# - then postgres as the postgres user, with the given arguments (-c name=value ...).
set -Eeuo pipefail

if [[ "${1:-postgres}" != "postgres" && "${1:0:1}" != "-" ]]; then
  exec "$@"
fi
[[ "${1:-}" == "postgres" ]] && shift

as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups "$@"; }

: "${POSTGRES_USER:=postgres}"
: "${POSTGRES_DB:=$POSTGRES_USER}"
if [[ -z "${POSTGRES_PASSWORD:-}" ]]; then
  echo "docker-entrypoint: POSTGRES_PASSWORD is required" >&2
  exit 1
fi
mkdir -p "$PGDATA" /var/run/postgresql
chown postgres:postgres "$PGDATA" /var/run/postgresql
chmod 700 "$PGDATA"

if [[ ! -s "$PGDATA/PG_VERSION" ]]; then
  if [[ -n "${POSTGRES_PRIMARY_HOST:-}" ]]; then
    primary_port="${POSTGRES_PRIMARY_PORT:-5432}"
    deadline=$(( $(date +%s) + ${POSTGRES_PRIMARY_WAIT_SECONDS:-60} ))
    until pg_isready -q -h "$POSTGRES_PRIMARY_HOST" -p "$primary_port" -d "$POSTGRES_DB" -U "$POSTGRES_USER"; do
      if (( $(date +%s) > deadline )); then
        echo "docker-entrypoint: primary $POSTGRES_PRIMARY_HOST:$primary_port not ready" >&2
        exit 1
      fi
      sleep 0.2
    done
    echo "docker-entrypoint: cloning $POSTGRES_PRIMARY_HOST:$primary_port with pg_basebackup" >&2
    # -R writes standby.signal and primary_conninfo (with the password, as pg_basebackup got it).
    PGPASSWORD="$POSTGRES_PASSWORD" as_postgres pg_basebackup -h "$POSTGRES_PRIMARY_HOST" -p "$primary_port" \
      -U "$POSTGRES_USER" -D "$PGDATA" -X stream -R -c fast
    if [[ -n "${POSTGRES_APPLICATION_NAME:-}" ]]; then
      # pg_basebackup -R does not carry application_name over: name the standby for synchronous_standby_names.
      sed -i "s/^primary_conninfo = '/primary_conninfo = 'application_name=$POSTGRES_APPLICATION_NAME /" \
        "$PGDATA/postgresql.auto.conf"
    fi
  else
    pwfile="$(mktemp)"
    printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
    chown postgres "$pwfile"
    as_postgres initdb --username="$POSTGRES_USER" --pwfile="$pwfile" --auth-local=trust \
      --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 ${POSTGRES_INITDB_ARGS:-} >/dev/null
    rm -f "$pwfile"
    {
      echo "host all all all scram-sha-256"
      echo "host replication all all scram-sha-256"
    } >> "$PGDATA/pg_hba.conf"
    echo "listen_addresses = '*'" >> "$PGDATA/postgresql.conf"
    as_postgres pg_ctl -D "$PGDATA" -w -o "-c listen_addresses='' -c unix_socket_directories=/var/run/postgresql" \
      start
    psql=(psql -v ON_ERROR_STOP=1 -h /var/run/postgresql -U "$POSTGRES_USER" --no-psqlrc)
    if [[ "$POSTGRES_DB" != "postgres" ]]; then
      as_postgres "${psql[@]}" -d postgres -q -c "CREATE DATABASE \"$POSTGRES_DB\""
    fi
    for f in /docker-entrypoint-initdb.d/*; do
      case "$f" in
        *.sql) as_postgres "${psql[@]}" -d "$POSTGRES_DB" -f "$f" ;;
        *.sh) . "$f" ;;
      esac
    done
    as_postgres pg_ctl -D "$PGDATA" -m fast -w stop
  fi
fi

exec setpriv --reuid=postgres --regid=postgres --init-groups postgres "$@"
