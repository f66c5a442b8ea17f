// Times the @medplum/hl7 package's parser (Hl7Message from @medplum/core, which it depends on)
// on the benchmark samples. Called by compare_parsers:
//   node medplum_parse.js SAMPLE_DIR REPS FILE... → {"FILE": median MB/s, ...}
'use strict';
const fs = require('fs');
const path = require('path');
require('@medplum/hl7');  // the package under comparison; its parser lives in @medplum/core
const { Hl7Message } = require('@medplum/core');

const [dir, repsText, ...files] = process.argv.slice(2);
const reps = Number(repsText);
const result = {};
for (const file of files) {
  const data = fs.readFileSync(path.join(dir, file));
  const text = data.toString('latin1');
  const expected = text.split('\r').filter((s) => s.length > 0).length;
  // Medplum keeps an empty segment after the final \r; count the named ones.
  const found = Hl7Message.parse(text).segments.filter((s) => s.name.length > 0).length;
  if (found !== expected) {
    throw new Error(`medplum parsed ${found} segments of ${file}, expected ${expected}`);
  }
  const runs = [];
  for (let r = 0; r < reps; r++) {
    let n = 0;
    const start = process.hrtime.bigint();
    let elapsed = 0;
    while (elapsed < 0.5) {
      Hl7Message.parse(text);
      n++;
      elapsed = Number(process.hrtime.bigint() - start) / 1e9;
    }
    runs.push((n * data.length) / elapsed / 1e6);
  }
  runs.sort((a, b) => a - b);
  result[file] = runs[Math.floor(runs.length / 2)];
}
process.stdout.write(JSON.stringify(result));
