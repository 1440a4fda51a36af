# Sourced by .ci/run (bash, set -euo pipefail, the project's virtualenv active):
# installs PostgreSQL and Redis from the system packages when missing, starts a
# throwaway PostgreSQL cluster and a Redis server without persistence on
# 127.0.0.1 (OS-chosen free ports, files in a temporary directory), exports
# ARCHIVE_TEST_PG_URL and ARCHIVE_TEST_REDIS_URL for the tests, and stops both
# and removes their files when the calling script exits.

archive_services_install() {
    local missing=()
    compgen -G "/usr/lib/postgresql/*/bin/initdb" > /dev/null || missing+=(postgresql)
    command -v redis-server > /dev/null || missing+=(redis-server)
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "installing ${missing[*]}"
    if [ ! -e /etc/postgresql-common/createcluster.conf ]; then
        # No default cluster on port 5432: the tests make their own.
        mkdir -p /etc/postgresql-common
        echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.conf
    fi
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" > /dev/null
}

archive_services_stop() {
    python -m tests.services stop "$ARCHIVE_SERVICES_DIR" || true
    rm -rf "$ARCHIVE_SERVICES_DIR"
}

echo "== services (PostgreSQL, Redis on 127.0.0.1)"
archive_services_install
ARCHIVE_SERVICES_DIR=$(mktemp -d /tmp/archive-services.XXXXXX)
trap archive_services_stop EXIT
archive_services_exports=$(python -m tests.services start "$ARCHIVE_SERVICES_DIR")
eval "$archive_services_exports"
export ARCHIVE_TEST_PG_URL ARCHIVE_TEST_REDIS_URL
echo "PostgreSQL: $ARCHIVE_TEST_PG_URL"
echo "Redis: $ARCHIVE_TEST_REDIS_URL"
