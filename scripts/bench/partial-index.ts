// Experiment for the query section: adds the partial index recommended for the store to a COPY
// of the benchmark index, and times `count(*) … WHERE vector IS NOT NULL` before and after.
//   cp -r .bench/query-index-100000 .bench/query-index-100000-pidx
//   node --import tsx scripts/bench/partial-index.ts .bench/query-index-100000-pidx/papers.db
//   npm run bench -- query --data-dir .bench/query-index-100000-pidx --modes semantic --ab false
import Database from 'better-sqlite3';

const file = process.argv[2];
if (!file) throw new Error('usage: partial-index.ts <papers.db of a copy>');
const db = new Database(file);
const count = () => db.prepare('SELECT count(*) AS n FROM papers WHERE vector IS NOT NULL AND 1');
const time = (label: string) => {
  const statement = count();
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    const { n } = statement.get() as { n: number };
    console.log(`${label}: count ${n} in ${(performance.now() - t).toFixed(2)} ms`);
  }
};
time('before');
const t = performance.now();
db.exec('CREATE INDEX IF NOT EXISTS papers_with_vector ON papers(label) WHERE vector IS NOT NULL');
console.log(`partial index built in ${(performance.now() - t).toFixed(0)} ms`);
console.log(JSON.stringify(db.prepare('EXPLAIN QUERY PLAN SELECT count(*) FROM papers WHERE vector IS NOT NULL AND 1').all()));
time('after');
db.close();
