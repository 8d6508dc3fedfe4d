// DuckDB peer of bench/io_bench.cpp (CSV ingest) and bench/rfm_bench.cpp (RFM summary +
// quintile scores), run by bench/duckdb_peer.sh, which installs @duckdb/node-api into a
// scratch folder (never into the repository) and puts it on NODE_PATH.
//
//   node bench/duckdb_peer.mjs ingest PATH.csv [--threads N] [--runs N]
//   node bench/duckdb_peer.mjs rfm DIR [--threads N] [--runs N]
//
// ingest: `CREATE TABLE t AS SELECT * FROM read_csv(PATH, header = true, columns = {...})`
// with the io_bench file's five columns typed (VARCHAR id, TIMESTAMP, DOUBLE amount,
// VARCHAR product and channel): a typed, in-memory table, as crmkit builds typed columns.
// rfm: DIR is what rfm_bench writes (customer.i32, time.i64, amount.f64, as_of.txt).
// The columns are loaded untimed (through a scratch CSV written once next to them), then
// one SQL statement is timed: GROUP BY customer with max/min time, count, count of
// distinct days, sum and mean of amount, recency and tenure in days, and R/F/M quintile
// scores as ntile(5) windows (ties broken by customer, like pandas' rank(method="first")).
//
// Prints every run and the best and median wall time, the process CPU time of the best
// run (user + system, all DuckDB threads), and the peak resident size.
import { readFileSync, existsSync, writeFileSync, renameSync, openSync, writeSync, closeSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

// ES modules ignore NODE_PATH: resolve the package from the scratch folder the script
// installed it into ($CRMKIT_DUCKDB_DIR).
let duckdb;
try {
  const scratch = process.env.CRMKIT_DUCKDB_DIR || '/tmp/crmkit_duckdb';
  const resolved = createRequire(join(scratch, 'package.json')).resolve('@duckdb/node-api');
  duckdb = await import(pathToFileURL(resolved).href);
} catch (e) {
  console.log(`duckdb_peer: SKIPPED: cannot load @duckdb/node-api (${e.message.split('\n')[0]}); run bench/duckdb_peer.sh`);
  process.exit(0);
}
const { DuckDBInstance } = duckdb;

const args = process.argv.slice(2);
const mode = args[0];
const target = args[1];
let threads = 1;
let runs = 3;
for (let i = 2; i < args.length; ++i) {
  if (args[i] === '--threads') threads = Number(args[++i]);
  else if (args[i] === '--runs') runs = Number(args[++i]);
  else throw new Error(`unknown argument ${args[i]}`);
}
if ((mode !== 'ingest' && mode !== 'rfm') || !target) {
  console.log('usage: node bench/duckdb_peer.mjs ingest|rfm PATH [--threads N] [--runs N]');
  process.exit(2);
}

const sqlString = (s) => `'${s.replaceAll("'", "''")}'`;

async function timed(connection, setup, sql, check) {
  const walls = [];
  let bestCpu = Infinity;
  let result = null;
  for (let r = 0; r < runs; ++r) {
    if (setup) await connection.run(setup);
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    await connection.run(sql);
    const wall = Number(process.hrtime.bigint() - t0) / 1e6;
    const cpuUsed = process.cpuUsage(cpu0);
    const cpu = (cpuUsed.user + cpuUsed.system) / 1e3;
    walls.push(wall);
    bestCpu = Math.min(bestCpu, cpu);
    result = check ? await check() : null;
    console.log(`run ${r + 1}: wall ${wall.toFixed(1)} ms, cpu ${cpu.toFixed(1)} ms${result ? ', ' + result : ''}`);
  }
  const sorted = [...walls].sort((a, b) => a - b);
  return { best: sorted[0], median: sorted[Math.floor(sorted.length / 2)], bestCpu };
}

async function scalar(connection, sql) {
  const reader = await connection.runAndReadAll(sql);
  return reader.getRows()[0].map((v) => String(v)).join(' ');
}

const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
const connection = await instance.connect();
const version = await scalar(connection, 'SELECT version()');
console.log(`DuckDB ${version}, threads = ${threads}, node ${process.version}`);

if (mode === 'ingest') {
  const bytes = statSync(target).size;
  const sql = `CREATE TABLE t AS SELECT * FROM read_csv(${sqlString(target)}, header = true, delim = ',', quote = '"', ` +
    `columns = {'customer_id': 'VARCHAR', 'timestamp': 'TIMESTAMP', 'amount': 'DOUBLE', 'product': 'VARCHAR', 'channel': 'VARCHAR'})`;
  const stats = await timed(connection, 'DROP TABLE IF EXISTS t', sql,
    () => scalar(connection, 'SELECT count(*), count(DISTINCT customer_id) FROM t').then((s) => `rows, distinct ids: ${s}`));
  const mbps = (ms) => (bytes / 1e6 / (ms / 1e3)).toFixed(1);
  console.log(`ingest ${target} (${bytes} bytes): best ${stats.best.toFixed(1)} ms = ${mbps(stats.best)} MB/s, ` +
    `median ${stats.median.toFixed(1)} ms, best cpu ${stats.bestCpu.toFixed(1)} ms = ${mbps(stats.bestCpu)} MB/s`);
} else {
  const customer = readFileSync(join(target, 'customer.i32'));
  const time = readFileSync(join(target, 'time.i64'));
  const amount = readFileSync(join(target, 'amount.f64'));
  const asOf = readFileSync(join(target, 'as_of.txt'), 'utf8').trim();
  const n = customer.length / 4;
  const scratch = join(target, 'duckdb_columns.csv');
  if (!existsSync(scratch)) {  // written once: numbers in shortest round-trip form, so exact
    const c = new Int32Array(customer.buffer, customer.byteOffset, n);
    const t = new BigInt64Array(time.buffer, time.byteOffset, n);
    const a = new Float64Array(amount.buffer, amount.byteOffset, n);
    const fd = openSync(scratch + '.partial', 'w');
    writeSync(fd, 'customer,time,amount\n');
    let chunk = [];
    for (let i = 0; i < n; ++i) {
      chunk.push(`${c[i]},${t[i]},${a[i]}`);
      if (chunk.length === 100000) { writeSync(fd, chunk.join('\n') + '\n'); chunk = []; }
    }
    if (chunk.length) writeSync(fd, chunk.join('\n') + '\n');
    closeSync(fd);
    renameSync(scratch + '.partial', scratch);
  }
  await connection.run(`CREATE TABLE tx AS SELECT * FROM read_csv(${sqlString(scratch)}, header = true, ` +
    `columns = {'customer': 'INTEGER', 'time': 'BIGINT', 'amount': 'DOUBLE'})`);
  console.log(`loaded ${await scalar(connection, 'SELECT count(*) FROM tx')} rows (untimed); as_of ${asOf}`);
  const sql = `CREATE TABLE rfm AS
    WITH s AS (
      SELECT customer, max(time) AS last, min(time) AS first, count(*) AS frequency,
             count(DISTINCT time // 86400) AS distinct_days, sum(amount) AS monetary, avg(amount) AS monetary_mean
      FROM tx GROUP BY customer)
    SELECT *, (${asOf} - last) // 86400 AS recency_days, (${asOf} - first) // 86400 AS tenure_days,
           6 - ntile(5) OVER (ORDER BY (${asOf} - last) // 86400, customer) AS r,
           ntile(5) OVER (ORDER BY frequency, customer) AS f,
           ntile(5) OVER (ORDER BY monetary, customer) AS m
    FROM s`;
  const stats = await timed(connection, 'DROP TABLE IF EXISTS rfm', sql,
    () => scalar(connection, 'SELECT count(*), sum(frequency), sum(r), sum(f), sum(m) FROM rfm')
      .then((s) => `customers, rows, sum r, sum f, sum m: ${s}`));
  console.log(`rfm ${n} rows: best ${stats.best.toFixed(1)} ms, median ${stats.median.toFixed(1)} ms, ` +
    `best cpu ${stats.bestCpu.toFixed(1)} ms`);
}
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
