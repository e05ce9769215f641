# A throwaway PostgreSQL 15 server on a Unix socket in a temp dir, for CI and benchmarks.
# Source this file, then: start_postgres (sets PG_DIR) ... stop_postgres.
# initdb and postgres refuse to run as root, so as root they run as an unprivileged user.
PG_BIN=/usr/lib/postgresql/15/bin
PG_SYSTEM_USER=rehabit-ci
PG_DIR=""

is_root() { [[ $EUID -eq 0 ]]; }

# Run a command as the unprivileged PostgreSQL user (initdb and postgres refuse root).
as_pg() {
    if is_root; then
        runuser -u "$PG_SYSTEM_USER" -- "$@"
    else
        "$@"
    fi
}

stop_postgres() {
    [[ -n "$PG_DIR" && -d "$PG_DIR" ]] || return 0
    if [[ -f "$PG_DIR/data/postmaster.pid" ]]; then
        echo "Stopping PostgreSQL in $PG_DIR"
        if ! (cd "$PG_DIR" && as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 60 stop); then
            # Only the postmaster this script started, by its pid.
            local pid
            pid=$(head -n 1 "$PG_DIR/data/postmaster.pid" 2>/dev/null || true)
            if [[ "$pid" =~ ^[0-9]+$ ]]; then
                echo "pg_ctl stop failed; sending SIGQUIT to postmaster $pid"
                kill -QUIT "$pid" 2>/dev/null || true
                sleep 2
            fi
        fi
    fi
    rm -rf "$PG_DIR"
    PG_DIR=""
}

show_postgres_log() {
    if [[ -n "$PG_DIR" && -f "$PG_DIR/postgres.log" ]]; then
        echo "---- last lines of the PostgreSQL log ----"
        tail -n 40 "$PG_DIR/postgres.log" || true
    fi
}

# Starts a throwaway PostgreSQL 15 in a new temp dir, listening only on a Unix socket there.
# Sets PG_DIR. Databases: postgres (and whatever the caller creates), superuser "postgres".
start_postgres() {
    if is_root && ! id -u "$PG_SYSTEM_USER" >/dev/null 2>&1; then
        useradd --system --no-create-home --home-dir /nonexistent \
            --shell /usr/sbin/nologin "$PG_SYSTEM_USER"
    fi
    # A short fixed prefix keeps the socket path well under the 107-byte limit.
    PG_DIR=$(mktemp -d /tmp/rehabit-pg.XXXXXX)
    # World-traversable so that root (running the tests) reaches the socket inside.
    chmod 755 "$PG_DIR"
    if is_root; then
        chown "$PG_SYSTEM_USER:" "$PG_DIR"
    fi
    (cd "$PG_DIR" && as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U postgres \
        -E UTF8 --locale=C.UTF-8 --no-sync >"$PG_DIR/initdb.log" 2>&1) || {
        cat "$PG_DIR/initdb.log"
        return 1
    }
    # Throwaway test server: durability off for speed, no TCP listener at all.
    (cd "$PG_DIR" && as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/postgres.log" \
        -o "-k $PG_DIR -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        -w -t 60 start)
}
