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

# Binary COPY (the default) and text COPY (--pg-copy text) read the same customer table, and
# both the same as the CSV file: the whole output, byte for byte.
read_notes() { grep -c "reading the query by text COPY" "$work/err.txt" || true; }
score_db() {  # score_db OUT.csv EXTRA-ARGS...: scores a query, stderr kept in err.txt
  local out=$1; shift
  expect_exit 0 score --db "$url" --as-of 1998-06-30 --out "$out" "$@"
}
score_db "$work/bin.csv" --query "$query" --time-column date
[ "$(read_notes)" = 0 ] || fail "the sample (text, date, numeric) is read by binary COPY: $(cat "$work/err.txt")"
score_db "$work/txt.csv" --query "$query" --time-column date --pg-copy text
cmp -s "$work/file.csv" "$work/bin.csv" || { diff "$work/file.csv" "$work/bin.csv" | head; fail "binary COPY table differs from the CSV file's"; }
cmp -s "$work/file.csv" "$work/txt.csv" || fail "text COPY table differs from the CSV file's"

# Other types the binary reader decodes: bigint ids, timestamptz with fractions of a second
# (the reader truncates them), timestamp, real, double precision, integer amounts.
psql -c "create table typed as select (1000000000000 + hashtext(customer_id)::bigint) as cid,
           (date + interval '13 hours 5 minutes 7.75 seconds')::timestamptz as ts_tz,
           (date + interval '1 second' * (row_number() over (order by customer_id, date)))::timestamp as ts,
           amount::real as a4, amount::float8 / 3 as a8, round(amount)::integer as ai, amount as an
         from orders"
for spec in "cid, ts_tz, a4|ts_tz|a4" "cid, ts, a8|ts|a8" "(cid - 1000000000000)::int4 as cid, ts_tz, ai|ts_tz|ai" \
            "cid, ts, an * 1e-9 as an|ts|an" "cid::text as cid, ts_tz, a8 * 1.0000001e-7 as a8|ts_tz|a8"; do
  IFS='|' read -r cols tcol acol <<<"$spec"
  typed_args=(--query "select $cols from typed" --customer-column cid --time-column "$tcol" --amount-column "$acol")
  score_db "$work/typed_bin.csv" "${typed_args[@]}"
  [ "$(read_notes)" = 0 ] || fail "select $cols: not read by binary COPY: $(cat "$work/err.txt")"
  score_db "$work/typed_txt.csv" "${typed_args[@]}" --pg-copy text
  cmp -s "$work/typed_bin.csv" "$work/typed_txt.csv" || { diff "$work/typed_bin.csv" "$work/typed_txt.csv" | head -5; fail "select $cols: binary and text COPY differ"; }
  [ "$(wc -l <"$work/typed_bin.csv")" -gt 2000 ] || fail "select $cols: customers scored"
done

# Epoch seconds as integers with --time-format epoch.
score_db "$work/epoch_bin.csv" --query "select customer_id, extract(epoch from date)::bigint as t, amount from orders" --time-column t --time-format epoch
[ "$(read_notes)" = 0 ] || fail "epoch integers are read by binary COPY"
cmp -s "$work/file.csv" "$work/epoch_bin.csv" || fail "epoch seconds: table differs from the CSV file's"

# A type the binary reader does not take for its role (a text time) goes by text COPY, with a note.
score_db "$work/texttime.csv" --query "select customer_id, date::text as date, amount from orders" --time-column date
grep -q "column 'date' (time) is of type text" "$work/err.txt" || fail "the note names the column and type: $(cat "$work/err.txt")"
cmp -s "$work/file.csv" "$work/texttime.csv" || fail "text-time fallback differs from the CSV file's"

# Rows the typed path refuses (a NULL time, a NULL customer) go by text COPY, which skips
# and reports them exactly as the CSV reader does for a file.
psql -c "create table holes as select * from orders union all select null, '1997-03-01', 1, 5.00 union all select 'X1', null, 1, 5.00"
score_db "$work/holes_bin.csv" --query "select customer_id, date, amount from holes" --time-column date
grep -q "reading the query by text COPY" "$work/err.txt" || fail "NULLs fall back to text COPY: $(cat "$work/err.txt")"
grep -q "skipped 2 of 6921 rows" "$work/err.txt" || fail "the text path skips the two rows: $(cat "$work/err.txt")"
cmp -s "$work/file.csv" "$work/holes_bin.csv" || fail "NULL rows: table differs from the CSV file's"

# Order lines (the UCI shape) by binary COPY: the same table as from the CSV file.
lines_flags=(--customer-column CustomerID --time-column InvoiceDate --order-column InvoiceNo --quantity-column Quantity
             --unit-price-column UnitPrice --exclude-order-prefix C --drop-nonpositive-quantity --drop-nonpositive-unit-price
             --drop-empty-customer)
# (n keeps the file's order: a table has none, and COPY FROM may fill its pages out of order)
psql -c 'create table lines (n bigserial, "InvoiceNo" text, "StockCode" text, "Quantity" integer, "InvoiceDate" timestamp, "UnitPrice" numeric(10,2), "CustomerID" text)'
psql -c "\\copy lines (\"InvoiceNo\", \"StockCode\", \"Quantity\", \"InvoiceDate\", \"UnitPrice\", \"CustomerID\") from '$source/examples/data/order_lines_sample.csv' with (format csv, header true)"
lines_query='select "InvoiceNo", "StockCode", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID" from lines order by n'
"$crmkit" score "$source/examples/data/order_lines_sample.csv" "${lines_flags[@]}" --as-of 2011-12-31 --out "$work/lines_file.csv" 2>"$work/lines_file.err"
expect_exit 0 score --db "$url" --query "$lines_query" "${lines_flags[@]}" --as-of 2011-12-31 --out "$work/lines_bin.csv"
[ "$(read_notes)" = 0 ] || fail "order lines are read by binary COPY: $(cat "$work/err.txt")"
cmp -s "$work/lines_file.csv" "$work/lines_bin.csv" || { diff "$work/lines_file.csv" "$work/lines_bin.csv" | head -5; fail "order lines: binary COPY differs from the CSV file"; }
# The filter counts and first lines are those of the file (header = line 1, same row order).
sed -n 's/.*the line filters dropped //p' "$work/lines_file.err" >"$work/lines_file.drops"
sed -n 's/.*the line filters dropped //p' "$work/err.txt" >"$work/lines_bin.drops"
[ -s "$work/lines_file.drops" ] && cmp -s "$work/lines_file.drops" "$work/lines_bin.drops" ||
  fail "filter report: $(cat "$work/lines_file.drops") vs $(cat "$work/lines_bin.drops")"
expect_exit 2 score --db "$url" --query "select * from lines" --customer-column CustomerID --time-column InvoiceDate --exclude-order-prefix C
grep -q -- "--order-column" "$work/err.txt" || fail "option errors as on the text path: $(cat "$work/err.txt")"
expect_exit 3 score --db "$url" --query "select * from lines" --time-column InvoiceDate
grep -q "missing column 'customer_id'" "$work/err.txt" || fail "a missing column as on the text path: $(cat "$work/err.txt")"
expect_exit 2 score --db "$url" --query "$query" --time-column date --pg-copy csv

# Writing: binary COPY (default) and text COPY give the same table, value for value.
expect_exit 0 score --db "$url" --query "$query" --time-column date --as-of 1998-06-30 --to-db scores_bin -q
expect_exit 0 score --db "$url" --query "$query" --time-column date --as-of 1998-06-30 --to-db scores_txt --pg-copy text -q
[ "$(psql -At -c "select (select count(*) from (select * from scores_bin except all select * from scores_txt) d) + (select count(*) from (select * from scores_txt except all select * from scores_bin) d)")" = 0 ] ||
  fail "binary and text COPY wrote different tables"
[ "$(psql -At -c "select count(*) from scores_bin where p_alive is null")" = "$(psql -At -c "select count(*) from scores_txt where p_alive is null")" ] || fail "NULLs differ"
[ "$(psql -At -c "select count(*) from scores_bin")" = 2357 ] || fail "2357 rows written by binary COPY"

# The server going away during the read: one message, exit 4.
"$crmkit" score --db "$url" --query "select customer_id, date, amount from orders, (select pg_sleep(30)) s" --time-column date >"$work/out.txt" 2>"$work/err.txt" &
reader=$!
for _ in $(seq 50); do
  [ "$(psql -At -c "select count(*) from pg_stat_activity where query like '%pg_sleep(30)%' and pid <> pg_backend_pid()")" -ge 1 ] && break
  sleep 0.1
done
psql -At -c "select pg_terminate_backend(pid) from pg_stat_activity where query like '%pg_sleep(30)%' and pid <> pg_backend_pid()" >/dev/null
got=0; wait $reader || got=$?
[ "$got" -eq 4 ] || { cat "$work/err.txt"; fail "a terminated server connection exits 4, got $got"; }
grep -q "crmkit: error: postgresql:" "$work/err.txt" || fail "one clear message: $(cat "$work/err.txt")"

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
