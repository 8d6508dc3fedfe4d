#!/usr/bin/env bash
# crmkit against a throw-away PostgreSQL cluster:
#   postgresql_test.sh CRMKIT_BINARY SOURCE_DIR WORK_DIR PG_BIN_DIR
# Starts a cluster on a unix socket in WORK_DIR (as user 'nobody' when run as root, since
# initdb refuses root), loads examples/data/cdnow_sample.csv, runs `crmkit score --to-db`
# and `crmkit report` against it, checks that a failed rerun leaves the previous table
# intact and that bad connection strings, missing tables and wrong column types exit
# non-zero with a message, then stops the cluster (also on failure).
set -euo pipefail
crmkit=$1 source=$2 work=$3 pgbin=$4
if [ ! -x "$pgbin/initdb" ] || [ ! -x "$pgbin/pg_ctl" ]; then
  echo "SKIP: no PostgreSQL server binaries in $pgbin"
  exit 0
fi
rm -rf "$work"
mkdir -p "$work"
work=$(cd "$work" && pwd)
data="$work/data" sock="$work/sock"
mkdir -p "$sock"

as_pg=()
if [ "$(id -u)" -eq 0 ]; then
  chown nobody "$work" "$sock"
  chmod 755 "$work"
  as_pg=(runuser -u nobody --)
  # nobody must be able to reach the work directory.
  d=$work
  while [ "$d" != "/" ]; do chmod o+x "$d" 2>/dev/null || true; d=$(dirname "$d"); done
fi

stop() {
  "${as_pg[@]}" "$pgbin/pg_ctl" -D "$data" -m immediate stop >/dev/null 2>&1 || true
}
trap stop EXIT

"${as_pg[@]}" "$pgbin/initdb" -D "$data" -A trust -U crmkit --no-sync >"$work/initdb.log" 2>&1 ||
  { cat "$work/initdb.log"; exit 1; }
"${as_pg[@]}" "$pgbin/pg_ctl" -D "$data" -l "$work/server.log" -w \
  -o "-c listen_addresses='' -k $sock -c fsync=off" start >/dev/null ||
  { cat "$work/server.log"; exit 1; }

url="postgresql://crmkit@/postgres?host=$sock"
psql() { "$pgbin/psql" -X -q -v ON_ERROR_STOP=1 -d "$url" "$@"; }
fail() { echo "FAILED: $*"; exit 1; }
expect_exit() {  # expect_exit CODE crmkit-args...
  local want=$1; shift
  local got=0
  "$crmkit" "$@" >"$work/out.txt" 2>"$work/err.txt" || got=$?
  [ "$got" -eq "$want" ] || { cat "$work/err.txt"; fail "crmkit $* exited $got, expected $want"; }
  [ "$want" -eq 0 ] || grep -q "crmkit: error:" "$work/err.txt" || fail "no error message for: crmkit $*"
}

psql -c "create table orders (customer_id text, date date, cds integer, amount numeric(10,2))"
tr -d '\r' <"$source/examples/data/cdnow_sample.csv" >"$work/sample.csv"  # the sample has CRLF line ends
psql -c "\\copy orders from '$work/sample.csv' with (format csv, header true)"
[ "$(psql -At -c 'select count(*) from orders')" = 6919 ] || fail "sample not loaded"

query="select customer_id, date, amount from orders"
expect_exit 0 score --db "$url" --query "$query" --time-column date --as-of 1998-06-30 --to-db public.customer_scores -q
[ "$(psql -At -c 'select count(*) from public.customer_scores')" = 2357 ] || fail "2357 scored customers"
[ "$(psql -At -c "select data_type from information_schema.columns where table_name = 'customer_scores' and column_name = 'last_purchase'")" = "timestamp with time zone" ] ||
  fail "time columns are timestamptz"
# Same table as from the CSV file.
"$crmkit" score "$source/examples/data/cdnow_sample.csv" --time-column date --as-of 1998-06-30 -q --out "$work/file.csv"
psql -c "\\copy (select customer_id, orders, monetary, segment from customer_scores order by customer_id) to '$work/db.csv' with (format csv)"
cut -d, -f1,2,5,12 "$work/file.csv" | tail -n +2 | sort >"$work/file4.csv"
sort "$work/db.csv" >"$work/db4.csv"
cmp -s "$work/file4.csv" "$work/db4.csv" || { diff "$work/file4.csv" "$work/db4.csv" | head; fail "database table differs from the CSV output"; }

expect_exit 0 report --db "$url" --query "$query" --time-column date --out "$work/report" -q
[ -s "$work/report/report.html" ] || fail "report.html from PostgreSQL"

# A failed rerun leaves the previous table intact: a view depending on the table makes the
# swap (drop + rename) fail inside the transaction.
before=$(psql -At -c "select md5(string_agg(customer_id || ':' || coalesce(p_alive::text, ''), ',' order by customer_id)) from customer_scores")
psql -c "create view champions as select customer_id from customer_scores where segment = 'Champions'"
expect_exit 4 score --db "$url" --query "$query" --time-column date --as-of 1997-12-31 --to-db public.customer_scores
grep -q "depend" "$work/err.txt" || fail "the error names the dependency: $(cat "$work/err.txt")"
after=$(psql -At -c "select md5(string_agg(customer_id || ':' || coalesce(p_alive::text, ''), ',' order by customer_id)) from customer_scores")
[ "$before" = "$after" ] || fail "the failed rerun changed the table"
[ "$(psql -At -c "select count(*) from pg_tables where tablename like '%crmkit_new%'")" = 0 ] || fail "a temporary table was left behind"
psql -c "drop view champions"
expect_exit 0 score --db "$url" --query "$query" --time-column date --as-of 1997-12-31 --to-db public.customer_scores -q
[ "$(psql -At -c "select max(last_purchase) < '1998-01-01' from customer_scores")" = t ] || fail "the rerun replaced the table"

# Errors: bad connection string, unreachable server, missing table, wrong column types, bad names.
expect_exit 4 score --db "postgresql://crmkit@/postgres?host=$work/nowhere" --query "$query" --time-column date
expect_exit 4 score --db "postgresql://crmkit@/postgres?bogus_option=1&host=$sock" --query "$query" --time-column date
expect_exit 4 score --db "postgresql://crmkit:sekret@/postgres?host=$work/nowhere" --query "$query" --time-column date
! grep -q sekret "$work/err.txt" || fail "the password was printed"
expect_exit 4 score --db "$url" --query "select * from no_such_table" --time-column date
psql -c "create table text_orders as select customer_id, date, 'n/a'::text as amount from orders"
expect_exit 3 score --db "$url" --query "select * from text_orders" --time-column date --strict
expect_exit 2 score --db "$url" --query "$query" --time-column date --to-db "public.bad name"
expect_exit 4 score --db "$url" --query "$query" --time-column date --to-db no_such_schema.scores
echo "cli postgresql: ok"
