// A field-level comparison of two HL7 v2 messages (ER7): the n-th segment of each id in one
// is paired with the n-th of that id in the other, and each field (by its number) compared,
// so a changed OBX-3 shows as one row, not as a changed line.

function segments(er7) {
  const text = er7 || "";
  const fieldSeparator = text.startsWith("MSH") ? text[3] : "|";
  const seen = new Map();
  const out = [];
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (!line) continue;
    const id = line.slice(0, 3);
    const occurrence = (seen.get(id) || 0) + 1;
    seen.set(id, occurrence);
    const fields = line.split(fieldSeparator);
    // MSH-1 is the separator itself, so MSH's fields are numbered one further along.
    const numbered = id === "MSH" ? [id, fieldSeparator, ...fields.slice(1)] : fields;
    out.push({ key: `${id}#${occurrence}`, id, occurrence, fields: numbered });
  }
  return out;
}

// [{path: "PID-5", before, after}], in the order of the first message, then what only the
// second has.
export function fieldDiff(beforeEr7, afterEr7) {
  const before = segments(beforeEr7);
  const after = new Map(segments(afterEr7).map((s) => [s.key, s]));
  const rows = [];
  const name = (s, i) => `${s.id}${s.occurrence > 1 ? `[${s.occurrence}]` : ""}-${i}`;
  for (const s of before) {
    const other = after.get(s.key);
    after.delete(s.key);
    const count = Math.max(s.fields.length, other ? other.fields.length : 0);
    for (let i = 1; i < count; ++i) {
      const a = s.fields[i] ?? "";
      const b = other ? other.fields[i] ?? "" : undefined;
      if (a !== b) rows.push({ path: name(s, i), before: a, after: b ?? "(segment removed)" });
    }
  }
  for (const s of after.values()) {
    for (let i = 1; i < s.fields.length; ++i) {
      if (s.fields[i]) rows.push({ path: name(s, i), before: "(segment added)", after: s.fields[i] });
    }
  }
  return rows;
}
