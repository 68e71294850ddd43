#!/usr/bin/env bash
# `cairn bench` on PostgreSQL, with one node and then two nodes sharing the
# database. Usage (from anywhere in the repository):
#
#	bash scripts/bench-postgres.sh                    # standard,ceiling, 10 s each
#	DURATION=30s bash scripts/bench-postgres.sh --concurrency 32
#
# It builds bin/cairn, starts a throwaway PostgreSQL (initdb in a temporary
# directory, listening on 127.0.0.1 on a free port, fsync on: this measures
# what production pays), runs `bin/cairn bench --store … --nodes 1` and then
# `--nodes 2`, each on a fresh database, prints both tables, and stops and
# removes the server on exit. Extra arguments go to both bench runs.
#
# Environment: DURATION (default 10s), WORKLOAD (default standard,ceiling),
# PGBIN (default /usr/lib/postgresql/15/bin). PostgreSQL refuses to run as
# root; run as root, the script runs it as the postgres user.
set -euo pipefail

cd "$(dirname "$0")/.."
duration=${DURATION:-10s}
workload=${WORKLOAD:-standard,ceiling}
pgbin=${PGBIN:-/usr/lib/postgresql/15/bin}

for b in initdb pg_ctl psql; do
	[[ -x $pgbin/$b ]] || {
		echo "bench-postgres: no $pgbin/$b; install PostgreSQL 15 (apt-get install postgresql-15) or set PGBIN" >&2
		exit 1
	}
done

echo "bench-postgres: building bin/cairn"
go build -o bin/cairn ./cmd/cairn

# as_pg runs a PostgreSQL server binary as the user that owns the data.
pguser=
if [[ $(id -u) == 0 ]]; then
	pguser=postgres
	id "$pguser" >/dev/null 2>&1 || {
		echo "bench-postgres: running as root and there is no postgres user to run PostgreSQL as" >&2
		exit 1
	}
fi
as_pg() {
	if [[ -n $pguser ]]; then
		runuser -u "$pguser" -- "$@"
	else
		"$@"
	fi
}

work=$(mktemp -d /tmp/cairn-bench-postgres-XXXXXX)
data=$work/data
started=
cleanup() {
	if [[ -n $started ]]; then
		as_pg "$pgbin/pg_ctl" -D "$data" -m fast -w stop >/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT
[[ -n $pguser ]] && chown "$pguser" "$work"

as_pg "$pgbin/initdb" -D "$data" -U cairn --auth=trust --encoding=UTF8 --locale=C --no-sync --no-instructions >"$work/initdb.log" ||
	{
		cat "$work/initdb.log" >&2
		exit 1
	}

# free_port asks the kernel for a free port of 127.0.0.1; a port taken
# before postgres binds it makes the start fail, and another is tried.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null ||
		echo $((20000 + RANDOM % 30000))
}
for try in 1 2 3; do
	port=$(free_port)
	if as_pg "$pgbin/pg_ctl" -D "$data" -l "$work/postgres.log" -w -t 60 start -o \
		"-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$work -c fsync=on -c full_page_writes=on -c synchronous_commit=on -c max_connections=300 -c shared_buffers=128MB -c max_wal_size=1GB" >/dev/null; then
		started=1
		break
	fi
	if [[ $try == 3 ]]; then
		cat "$work/postgres.log" >&2
		exit 1
	fi
done

psql() { "$pgbin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U cairn "$@"; }
echo "bench-postgres: $(psql -d postgres -Atc 'SHOW server_version') on 127.0.0.1:$port, fsync $(psql -d postgres -Atc 'SHOW fsync');" \
	"$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"

for nodes in 1 2; do
	db=cairn_bench_nodes$nodes
	psql -d postgres -c "CREATE DATABASE $db"
	echo
	echo "== $nodes node$([[ $nodes == 1 ]] || echo s): bin/cairn bench --store postgres://cairn@127.0.0.1:$port/$db --nodes $nodes --workload $workload --duration $duration $*"
	bin/cairn bench --store "postgres://cairn@127.0.0.1:$port/$db?sslmode=disable" --nodes "$nodes" \
		--workload "$workload" --duration "$duration" "$@"
done
