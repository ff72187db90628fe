#!/bin/bash
# The official mariadb image's entrypoint contract, reduced to what tests need:
# - first start with an empty data directory: mariadb-install-db, then a temporary server on the socket only
#   (--skip-networking) that sets the root password, creates MARIADB_DATABASE, MARIADB_USER (ALL on that
#   database only) and MARIADB_REPLICATION_USER (REPLICATION SLAVE), runs /docker-entrypoint-initdb.d/*.sql|*.sh,
#   all with sql_log_bin=0 so that every node starts with an empty GTID history; stopped again (so "ready for
#   connections" appears twice). The MYSQL_* names are accepted as well (Testcontainers sets those).
# - MARIADB_MASTER_HOST set: the same, then CHANGE MASTER TO that primary with MASTER_USE_GTID=slave_pos, so
#   that the server replicates from the start of the primary's binary log once it runs.
# - then mariadbd as the mysql user, with the given arguments (--server-id=2 --read-only ...).
set -Eeuo pipefail

if [[ "${1:-mariadbd}" != "mariadbd" && "${1:-}" != "mysqld" && "${1:0:1}" != "-" ]]; then
  exec "$@"
fi
[[ "${1:-}" == "mariadbd" || "${1:-}" == "mysqld" ]] && shift

# MARIADB_X, else MYSQL_X, else the default.
env_or() { local m="MARIADB_$1" y="MYSQL_$1"; printf '%s' "${!m:-${!y:-${2:-}}}"; }
root_password="$(env_or ROOT_PASSWORD)"
root_host="$(env_or ROOT_HOST %)"
database="$(env_or DATABASE)"
user="$(env_or USER)"
password="$(env_or PASSWORD)"
allow_empty="$(env_or ALLOW_EMPTY_ROOT_PASSWORD "$(env_or ALLOW_EMPTY_PASSWORD)")"
replication_user="${MARIADB_REPLICATION_USER:-}"
replication_password="${MARIADB_REPLICATION_PASSWORD:-}"
master_host="${MARIADB_MASTER_HOST:-}"
master_port="${MARIADB_MASTER_PORT:-3306}"
datadir=/var/lib/mysql

if [[ -z "$root_password" && -z "$allow_empty" ]]; then
  echo "docker-entrypoint: MARIADB_ROOT_PASSWORD (or MARIADB_ALLOW_EMPTY_ROOT_PASSWORD) is required" >&2
  exit 1
fi
if [[ -n "$master_host" && ( -z "$replication_user" || -z "$replication_password" ) ]]; then
  echo "docker-entrypoint: MARIADB_MASTER_HOST needs MARIADB_REPLICATION_USER and MARIADB_REPLICATION_PASSWORD" >&2
  exit 1
fi
mkdir -p "$datadir" /run/mysqld
chown mysql:mysql "$datadir" /run/mysqld

# SQL string literal: quotes and backslashes escaped.
literal() { local s="${1//\\/\\\\}"; printf "'%s'" "${s//\'/\\\'}"; }

if [[ ! -d "$datadir/mysql" ]]; then
  mariadb-install-db --user=mysql --datadir="$datadir" --auth-root-authentication-method=normal \
    --skip-test-db --skip-name-resolve >/dev/null
  socket=/run/mysqld/init.sock
  setpriv --reuid=mysql --regid=mysql --init-groups mariadbd --skip-networking --socket="$socket" \
    --skip-slave-start "$@" &
  init_pid=$!
  mariadb_init=(mariadb --protocol=socket --socket="$socket" -uroot --batch --skip-column-names)
  for _ in $(seq 1 300); do
    "${mariadb_init[@]}" -e 'SELECT 1' >/dev/null 2>&1 && break
    kill -0 "$init_pid" 2>/dev/null || { echo "docker-entrypoint: temporary server died" >&2; exit 1; }
    sleep 0.2
  done
  {
    echo "SET @@SESSION.sql_log_bin = 0;"
    # root only as root@localhost and root@ROOT_HOST, both with the password; no anonymous users.
    echo "DELETE FROM mysql.global_priv WHERE (user = 'root' AND host <> 'localhost') OR user = '';"
    echo "DELETE FROM mysql.proxies_priv WHERE host <> 'localhost';"
    echo "FLUSH PRIVILEGES;"
    echo "ALTER USER 'root'@'localhost' IDENTIFIED BY $(literal "$root_password");"
    if [[ "$root_host" != "localhost" ]]; then
      echo "CREATE USER 'root'@$(literal "$root_host") IDENTIFIED BY $(literal "$root_password");"
      echo "GRANT ALL ON *.* TO 'root'@$(literal "$root_host") WITH GRANT OPTION;"
    fi
    if [[ -n "$database" ]]; then
      echo "CREATE DATABASE IF NOT EXISTS \`${database//\`/\`\`}\`;"
    fi
    if [[ -n "$user" && -n "$password" ]]; then
      echo "CREATE USER $(literal "$user")@'%' IDENTIFIED BY $(literal "$password");"
      # Not ON *.*: that would include READ_ONLY ADMIN, and the user could write on read-only replicas.
      if [[ -n "$database" ]]; then
        echo "GRANT ALL ON \`${database//\`/\`\`}\`.* TO $(literal "$user")@'%';"
      fi
    fi
    if [[ -n "$replication_user" ]]; then
      echo "CREATE USER $(literal "$replication_user")@'%' IDENTIFIED BY $(literal "$replication_password");"
      echo "GRANT REPLICATION SLAVE ON *.* TO $(literal "$replication_user")@'%';"
    fi
    if [[ -n "$master_host" ]]; then
      # MASTER_CONNECT_RETRY=1: reconnect within a second after the primary was stopped (default 60 s).
      echo "CHANGE MASTER TO MASTER_HOST=$(literal "$master_host"), MASTER_PORT=$master_port," \
        "MASTER_USER=$(literal "$replication_user"), MASTER_PASSWORD=$(literal "$replication_password")," \
        "MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1;"
    fi
  } | "${mariadb_init[@]}"
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sql) { echo "SET @@SESSION.sql_log_bin = 0;"; cat "$f"; } | MYSQL_PWD="$root_password" "${mariadb_init[@]}" ${database:+"$database"} ;;
      *.sh) . "$f" ;;
    esac
  done
  MYSQL_PWD="$root_password" "${mariadb_init[@]}" -e 'SHUTDOWN'
  wait "$init_pid" || true
fi

exec setpriv --reuid=mysql --regid=mysql --init-groups mariadbd "$@"
