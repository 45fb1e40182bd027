#!/usr/bin/env bash
# Private PostgreSQL + pgvector cluster for LightMem development and tests.
#
# Usage: deploy/local/postgres.sh [up|fresh|down|status|env|psql [psql args...]]
#   up      (default) install packages if missing, initdb if needed, start if
#           stopped, create role/database/extension if missing. Idempotent;
#           a second run with the server up takes well under 2 s.
#   fresh   up, then drop and recreate the database (empty, with pgvector).
#   down    stop the cluster (fast shutdown).
#   status  print state; exit 0 when running, 3 when stopped.
#   env     print `export` lines for Quarkus:  eval "$(deploy/local/postgres.sh env)"
#   psql    open psql as the application user over TCP; extra args go to psql.
#   home    print the directory that holds the data dir (where run.sh keeps the local admin key).
#
# Settings (environment, with defaults):
#   LIGHTMEM_PG_PORT=54329      LIGHTMEM_PG_DB=lightmem
#   LIGHTMEM_PG_USER=lightmem   LIGHTMEM_PG_PASSWORD=lightmem
#   LIGHTMEM_PG_DATA=${XDG_DATA_HOME:-$HOME/.local/share}/lightmem/pgNN
#                    (as root: /var/lib/lightmem/pgNN, see below)
#   LIGHTMEM_PG_MAJOR=<newest installed, else the distro default>
# Next to the data dir (in its parent) live the socket dir run/, the server
# log pgNN.log and a lock file.
#
# Deliberately not used: Docker, and Debian's pg_ctlcluster/pg_createcluster
# wrappers (they manage clusters under /etc/postgresql and need root); we call
# the versioned binaries in /usr/lib/postgresql/NN/bin by full path, also
# because /usr/local/bin/pg_ctl may be something else on some machines.
set -euo pipefail

PROG=lightmem-pg
PORT=${LIGHTMEM_PG_PORT:-54329}
DB=${LIGHTMEM_PG_DB:-lightmem}
APP_USER=${LIGHTMEM_PG_USER:-lightmem}
APP_PASSWORD=${LIGHTMEM_PG_PASSWORD:-lightmem}
# The bootstrap superuser is always "postgres", whatever the OS user is, so the
# admin name never collides with LIGHTMEM_PG_USER.
ADMIN=postgres

say() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { printf '%s: ERROR: %s\n' "$PROG" "$*" >&2; exit 1; }

IS_ROOT=false
[[ $(id -u) -eq 0 ]] && IS_ROOT=true

# --- locating PostgreSQL ----------------------------------------------------

# Newest major that has both server and pg_config (a client-only newer major,
# e.g. from a newer psql, must not win).
detect_major() {
  if [[ -n ${LIGHTMEM_PG_MAJOR:-} ]]; then
    [[ -x /usr/lib/postgresql/$LIGHTMEM_PG_MAJOR/bin/postgres ]] && echo "$LIGHTMEM_PG_MAJOR"
    return 0
  fi
  local d majors=()
  for d in /usr/lib/postgresql/*/bin; do
    [[ -x $d/postgres && -x $d/pg_config ]] && majors+=("$(basename "$(dirname "$d")")")
  done
  ((${#majors[@]})) && printf '%s\n' "${majors[@]}" | sort -V | tail -n1
  return 0
}

# Sets MAJOR/PGBIN and the paths derived from them. Callable again after install.
set_paths() {
  MAJOR=$(detect_major)
  # Only used for naming when nothing is installed yet (env / status).
  local name_major=${MAJOR:-${LIGHTMEM_PG_MAJOR:-15}}
  PGBIN=/usr/lib/postgresql/${MAJOR:-none}/bin
  if [[ -n ${LIGHTMEM_PG_DATA:-} ]]; then
    DATA=$LIGHTMEM_PG_DATA
  elif $IS_ROOT; then
    # The server must run as "postgres", which cannot traverse /root (0700),
    # so root's default lives in /var/lib instead of $HOME.
    DATA=/var/lib/lightmem/pg$name_major
  else
    DATA=${XDG_DATA_HOME:-$HOME/.local/share}/lightmem/pg$name_major
  fi
  DATA=${DATA%/}
  BASE=$(dirname "$DATA")
  # Private socket dir: no clash with the distro cluster in /var/run/postgresql
  # and no root needed.
  SOCKDIR=$BASE/run
  LOGFILE=$BASE/$(basename "$DATA").log
  LOCKFILE=$BASE/.$(basename "$DATA").lock
}

# Run a command as the OS user owning the cluster: PostgreSQL refuses to run
# as root, so root delegates to "postgres". cd / avoids "could not change
# directory" warnings when the caller's cwd is unreadable for postgres.
as_pg() {
  if $IS_ROOT; then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

# Superuser SQL over the private unix socket (trust for $ADMIN only).
admin_psql() {
  PGOPTIONS='-c client_min_messages=warning' \
    "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$SOCKDIR" -p "$PORT" -U "$ADMIN" "$@"
}

is_running() { [[ -f $DATA/postmaster.pid ]] && as_pg "$PGBIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

# --- installation (only when something is missing) ---------------------------

SUDO=()
APT_UPDATED=false
INSTALL_LOG=

need_root() {
  if $IS_ROOT; then SUDO=()
  elif command -v sudo >/dev/null 2>&1; then SUDO=(sudo)
  else die "packages must be installed but you are not root and sudo is missing; run once as root"
  fi
}

# Noisy tools write to a log; only on failure is its tail shown.
logged() {
  local what=$1; shift
  if ! "$@" >>"$INSTALL_LOG" 2>&1; then
    tail -n 40 "$INSTALL_LOG" >&2
    die "$what failed (full log: $INSTALL_LOG)"
  fi
}

apt_update_once() {
  $APT_UPDATED && return 0
  say "apt-get update"
  # Tolerated: a single unreachable third-party repository makes apt-get
  # update exit non-zero although the Debian indexes we need were fetched.
  "${SUDO[@]}" apt-get update >>"$INSTALL_LOG" 2>&1 ||
    say "apt-get update reported errors (continuing; see $INSTALL_LOG)"
  APT_UPDATED=true
}

apt_install() {
  apt_update_once
  say "apt-get install $*"
  logged "apt-get install $*" "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "$@"
}

vector_available() {
  [[ -f $("$PGBIN/pg_config" --sharedir)/extension/vector.control ]]
}

apt_has_candidate() {
  local c
  c=$(apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ {print $2}')
  [[ -n $c && $c != "(none)" ]]
}

# Debian 12 has no pgvector package (trixie only builds it for PG 17, and its
# binaries must not be mixed into bookworm), so build trixie's source package
# against the installed major. A private apt configuration (own source list,
# lists and cache dirs) leaves /etc/apt and the system's indexes untouched.
build_pgvector() {
  local pkgs=("postgresql-server-dev-$MAJOR" dpkg-dev)
  command -v gcc >/dev/null || pkgs+=(gcc libc6-dev)
  command -v make >/dev/null || pkgs+=(make)
  apt_install "${pkgs[@]}"

  local tmp
  tmp=$("${SUDO[@]}" mktemp -d /tmp/lightmem-pgvector.XXXXXX)
  # shellcheck disable=SC2064  # expand now: tmp and SUDO are local
  trap "${SUDO[*]} rm -rf '$tmp'" EXIT
  "${SUDO[@]}" sh -c '
    set -e; cd "$1"
    mkdir -p parts lists/partial cache/archives/partial src
    echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main" >sources.list
    # apt downloads as the unprivileged _apt user; let it write here.
    chmod 755 .
    if id _apt >/dev/null 2>&1; then chown _apt lists/partial src; fi' sh "$tmp"
  local apt_opts=(
    -o "Dir::Etc::sourcelist=$tmp/sources.list"
    -o "Dir::Etc::sourceparts=$tmp/parts"
    -o "Dir::State::Lists=$tmp/lists"
    -o "Dir::Cache=$tmp/cache"
  )
  say "fetching pgvector source from Debian trixie"
  logged "apt-get update (trixie deb-src)" "${SUDO[@]}" apt-get "${apt_opts[@]}" update
  logged "apt-get source pgvector" "${SUDO[@]}" sh -c 'cd "$1" && shift && exec "$@"' sh "$tmp/src" \
    apt-get "${apt_opts[@]}" source --download-only pgvector
  # apt already verified the files against the signed trixie Sources index,
  # so dpkg-source need not check the uploader's signature again.
  logged "dpkg-source -x" "${SUDO[@]}" sh -c 'cd "$1" && dpkg-source --no-check -x pgvector_*.dsc build' sh "$tmp/src"

  # OPTFLAGS="" drops -march=native (portable binary); with_llvm=no skips
  # JIT bitcode (would need clang matching the server's LLVM).
  local mk=(make -C "$tmp/src/build" "PG_CONFIG=$PGBIN/pg_config" OPTFLAGS="" with_llvm=no)
  say "building pgvector $(sed -n 's/^pgvector (\([^)]*\)).*/\1/p;q' "$tmp/src/build/debian/changelog") for PostgreSQL $MAJOR"
  logged "pgvector build" "${SUDO[@]}" "${mk[@]}" -j"$(nproc)"
  logged "pgvector install" "${SUDO[@]}" "${mk[@]}" install
}

ensure_installed() {
  if [[ -n $MAJOR ]] && vector_available; then return 0; fi  # fast path
  need_root
  INSTALL_LOG=$(mktemp /tmp/lightmem-pg-install.XXXXXX.log)
  if [[ -z $MAJOR ]]; then
    # Installing the server makes apt create and start the distro's "main"
    # cluster on 5432. We leave it alone: it does not conflict with our port,
    # other tools may expect it, and stopping it would not survive a reboot.
    if [[ -n ${LIGHTMEM_PG_MAJOR:-} ]]; then
      apt_install "postgresql-$LIGHTMEM_PG_MAJOR"
    else
      apt_install postgresql postgresql-contrib
    fi
    set_paths
    [[ -n $MAJOR ]] || die "PostgreSQL server binaries not found under /usr/lib/postgresql after install"
  fi
  if ! vector_available; then
    apt_update_once
    if apt_has_candidate "postgresql-$MAJOR-pgvector"; then
      apt_install "postgresql-$MAJOR-pgvector"
    else
      build_pgvector
    fi
    vector_available || die "pgvector installed but vector.control is still missing"
  fi
  rm -f "$INSTALL_LOG"
}

# --- cluster -----------------------------------------------------------------

# Creates BASE, the socket dir and the log file, owned by the cluster user.
prepare_dirs() {
  local base_existed=true anc=$BASE
  [[ -d $BASE ]] || base_existed=false
  if $IS_ROOT; then
    # Fail before creating anything if postgres cannot traverse to BASE
    # (e.g. LIGHTMEM_PG_DATA under /root, which is 0700).
    while [[ ! -e $anc ]]; do anc=$(dirname "$anc"); done
    as_pg test -x "$anc" ||
      die "user postgres cannot reach $anc; choose LIGHTMEM_PG_DATA outside /root (e.g. /var/lib/lightmem/pg$MAJOR)"
  fi
  mkdir -p "$BASE" "$SOCKDIR"
  chmod 700 "$SOCKDIR"
  touch "$LOGFILE"
  if $IS_ROOT; then
    # chown only what we created or own by design; never a pre-existing
    # parent such as /tmp or /srv.
    $base_existed || chown postgres: "$BASE"
    chown postgres: "$SOCKDIR" "$LOGFILE"
  fi
}

init_cluster() {
  say "initdb $DATA (PostgreSQL $MAJOR)"
  mkdir -p "$DATA"
  chmod 700 "$DATA"
  $IS_ROOT && chown postgres: "$DATA"
  local locale_opt=(--no-locale)
  locale -a 2>/dev/null | grep -qix 'c\.utf-\?8' && locale_opt=(--locale=C.UTF-8)
  if ! as_pg "$PGBIN/initdb" -D "$DATA" -U "$ADMIN" -E UTF8 "${locale_opt[@]}" \
      --auth-local=trust --auth-host=scram-sha-256 >"$BASE/initdb.log" 2>&1; then
    cat "$BASE/initdb.log" >&2
    die "initdb failed"
  fi
  rm -f "$BASE/initdb.log"
  # Password auth over TCP loopback; trust only for the admin on the private
  # socket (its directory is 0700, so only the cluster owner and root get in).
  as_pg tee "$DATA/pg_hba.conf" >/dev/null <<'EOF'
# Written by deploy/local/postgres.sh
# TYPE  DATABASE  USER      ADDRESS        METHOD
local   all       postgres                 trust
local   all       all                      scram-sha-256
host    all       all       127.0.0.1/32   scram-sha-256
EOF
  printf "\n# Settings managed by deploy/local/postgres.sh (rewritten on each start)\ninclude 'lightmem.conf'\n" |
    as_pg tee -a "$DATA/postgresql.conf" >/dev/null
}

# Rewritten before every start so changed env settings (port) take effect.
write_conf() {
  local sock=${SOCKDIR//\'/\'\'}
  as_pg tee "$DATA/lightmem.conf" >/dev/null <<EOF
# Written by deploy/local/postgres.sh; edits are overwritten on next start.
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$sock'
max_connections = 100
shared_buffers = 256MB
password_encryption = scram-sha-256
# Dev/test cluster only: trade crash safety for speed. A host crash may
# corrupt it; recreate with: down, rm -rf the data dir, up.
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
}

wait_ready() {
  local i
  for ((i = 1; i <= 300; i++)); do
    "$PGBIN/pg_isready" -q -h "$SOCKDIR" -p "$PORT" && return 0
    # Once a second: stop waiting if the server already died (e.g. port taken).
    if ((i % 10 == 0)) && ! is_running; then
      tail -n 20 "$LOGFILE" >&2 || true
      die "server exited during startup; see the server log $LOGFILE"
    fi
    sleep 0.1
  done
  tail -n 20 "$LOGFILE" >&2 || true
  die "server not ready on port $PORT after 30 s; see the server log $LOGFILE"
}

start_cluster() {
  write_conf
  say "starting on 127.0.0.1:$PORT (log: $LOGFILE)"
  # -W: do not wait here; wait_ready polls with our own timeout and message.
  # 9>&-: the server would otherwise inherit the lock fd and hold it forever.
  as_pg "$PGBIN/pg_ctl" -D "$DATA" -l "$LOGFILE" -W start >/dev/null 9>&- ||
    die "pg_ctl start failed; see the server log $LOGFILE"
}

ensure_db() {
  # CREATE DATABASE cannot run in a DO block, hence \gexec. The password is
  # (re)set every time so LIGHTMEM_PG_PASSWORD stays the source of truth.
  admin_psql -d postgres -v u="$APP_USER" -v p="$APP_PASSWORD" -v d="$DB" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN', :'u')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'u') \gexec
SELECT format('ALTER ROLE %I LOGIN PASSWORD %L', :'u', :'p') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'d', :'u')
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'d') \gexec
\connect :"d"
-- pgvector is not a trusted extension, so the (non-superuser) app role cannot
-- create it; the app's Flyway "CREATE EXTENSION IF NOT EXISTS" is then a no-op.
CREATE EXTENSION IF NOT EXISTS vector;
SQL
}

cmd_up() {
  ensure_installed
  prepare_dirs
  # Serialise concurrent "up"/"down" (e.g. parallel test jobs) on this cluster.
  exec 9>>"$LOCKFILE"
  flock -w 120 9 || die "timed out waiting for lock $LOCKFILE"
  if [[ ! -f $DATA/PG_VERSION ]]; then
    init_cluster
  elif [[ $(<"$DATA/PG_VERSION") != "$MAJOR" ]]; then
    die "$DATA holds a PostgreSQL $(<"$DATA/PG_VERSION") cluster but binaries are $MAJOR; set LIGHTMEM_PG_MAJOR or LIGHTMEM_PG_DATA"
  fi
  if ! is_running; then
    start_cluster
  else
    # Settings only apply at start; a changed port would otherwise mean a
    # 30 s wait for a server that listens elsewhere.
    local running_port
    running_port=$(sed -n 4p "$DATA/postmaster.pid")
    [[ $running_port == "$PORT" ]] ||
      die "cluster $DATA already runs on port $running_port, not $PORT; run '$0 down' first"
  fi
  wait_ready
  ensure_db
  say "ready: postgresql://$APP_USER@127.0.0.1:$PORT/$DB (pgvector $(admin_psql -d "$DB" -tAc "SELECT extversion FROM pg_extension WHERE extname = 'vector'"))"
}

# Like up, but the database starts empty: test runs must not depend on what an earlier run (or
# another branch's migrations) left behind.
cmd_fresh() {
  cmd_up
  admin_psql -d postgres -v d="$DB" <<'SQL'
SELECT format('DROP DATABASE IF EXISTS %I WITH (FORCE)', :'d') \gexec
SQL
  ensure_db
  say "database $DB is empty"
}

cmd_down() {
  [[ -n $MAJOR ]] || die "PostgreSQL is not installed"
  if [[ -d $BASE ]]; then
    exec 9>>"$LOCKFILE"
    flock -w 120 9 || die "timed out waiting for lock $LOCKFILE"
  fi
  if is_running; then
    say "stopping $DATA"
    as_pg "$PGBIN/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >/dev/null
  else
    say "not running ($DATA)"
  fi
}

cmd_status() {
  if [[ -n $MAJOR ]] && is_running; then
    echo "running: 127.0.0.1:$PORT db=$DB user=$APP_USER pid=$(head -n1 "$DATA/postmaster.pid") data=$DATA log=$LOGFILE"
  else
    echo "stopped: data=$DATA"
    return 3
  fi
}

cmd_env() {
  printf 'export QUARKUS_DATASOURCE_JDBC_URL=%q\n' "jdbc:postgresql://127.0.0.1:$PORT/$DB"
  printf 'export QUARKUS_DATASOURCE_USERNAME=%q\n' "$APP_USER"
  printf 'export QUARKUS_DATASOURCE_PASSWORD=%q\n' "$APP_PASSWORD"
  # Our own server replaces Quarkus Dev Services (which would need Docker).
  printf 'export QUARKUS_DATASOURCE_DEVSERVICES_ENABLED=false\n'
}

cmd_home() {
  printf '%s\n' "$BASE"
}

cmd_psql() {
  [[ -n $MAJOR ]] || die "PostgreSQL is not installed; run: $0 up"
  PGPASSWORD=$APP_PASSWORD exec "$PGBIN/psql" -h 127.0.0.1 -p "$PORT" -U "$APP_USER" -d "$DB" "$@"
}

set_paths
cmd=${1:-up}
[[ $# -gt 0 ]] && shift
case $cmd in
  up) cmd_up ;;
  fresh) cmd_fresh ;;
  down) cmd_down ;;
  status) cmd_status ;;
  env) cmd_env ;;
  psql) cmd_psql "$@" ;;
  home) cmd_home ;;
  -h | --help | help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0" ;;
  *) die "unknown command '$cmd' (use: up | fresh | down | status | env | psql [args] | home)" ;;
esac
