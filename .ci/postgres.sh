#!/usr/bin/env bash
# Make a local PostgreSQL server available for the tests of the optional PostgreSQL publish
# target, on a fresh Debian machine as root: install the Debian package if it is missing, start
# (or create) the cluster of the newest installed major version, and create a login superuser
# and a database, both named warehouse_test. Idempotent.
#
# Prints one line on stdout, for `eval "$(.ci/postgres.sh)"`:
#   export TEST_POSTGRES_DSN=postgresql://warehouse_test:...@127.0.0.1:<port>/warehouse_test
# Everything else goes to stderr.
set -euo pipefail

ROLE=warehouse_test
DATABASE=warehouse_test
# A throwaway test server that listens on localhost only: the password needs no secrecy.
PASSWORD=warehouse_test

installed_version() {
    local bin
    for bin in /usr/lib/postgresql/*/bin/postgres; do
        [[ -x $bin ]] && basename "$(dirname "$(dirname "$bin")")"
    done | sort -n | tail -n 1
}

# Columns of pg_lsclusters: version, cluster, port, status, owner, data directory, log file.
cluster_line() { pg_lsclusters --no-header | awk -v v="$1" '$1 == v { print; exit }'; }

# Sets `port`. Run with stdout sent to stderr: a server started here (by the package's install
# script or by pg_ctlcluster) must not inherit the caller's stdout, or `$(...)` never ends.
start_server() {
    local version cluster status
    version=$(installed_version)
    if [[ -z $version ]]; then
        echo "postgres.sh: installing PostgreSQL (Debian package)"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends postgresql </dev/null
        version=$(installed_version)
        [[ -n $version ]] || { echo "postgres.sh: no PostgreSQL binaries after installing"; exit 1; }
    fi
    if [[ -z $(cluster_line "$version") ]]; then
        echo "postgres.sh: creating cluster $version/main"
        pg_createcluster --encoding UTF8 --locale C.UTF-8 "$version" main
    fi
    read -r _ cluster port status _ < <(cluster_line "$version")
    if [[ $status != online* ]]; then
        echo "postgres.sh: starting cluster $version/$cluster on port $port"
        pg_ctlcluster "$version" "$cluster" start </dev/null
    fi
    for _ in $(seq 60); do
        pg_isready -q -h 127.0.0.1 -p "$port" && break
        sleep 0.5
    done
    pg_isready -h 127.0.0.1 -p "$port"

    # psql variables (:'pw') are interpolated in script input only, hence the here-document;
    # \if keeps both steps idempotent, and the ALTER resets the password of an existing role.
    # `cd /`: runuser keeps the working directory, which the postgres user may not read.
    (cd / && runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -v pw="$PASSWORD" -p "$port" -d postgres) <<SQL
SELECT NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ROLE') AS role_missing \gset
\if :role_missing
CREATE ROLE $ROLE LOGIN SUPERUSER PASSWORD :'pw';
\else
ALTER ROLE $ROLE LOGIN SUPERUSER PASSWORD :'pw';
\endif
SELECT NOT EXISTS (SELECT FROM pg_database WHERE datname = '$DATABASE') AS database_missing \gset
\if :database_missing
CREATE DATABASE $DATABASE OWNER $ROLE TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C';
\endif
SQL
}

start_server >&2
echo "export TEST_POSTGRES_DSN=postgresql://$ROLE:$PASSWORD@127.0.0.1:$port/$DATABASE"
