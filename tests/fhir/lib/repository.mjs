// In-memory repository for mdtchair's test FHIR server.
//
// Medplum's MemoryRepository stores resources; this subclass adds what the
// sync engine's tests need from a real server:
//   - every write is validated against the R4 structure definitions
//     (Medplum's validateResource) plus required terminology bindings,
//     and against HL7's R4 JSON schema with Ajv (lib/schema.mjs);
//   - versionId is a per-resource counter "1", "2", ... (as HAPI does),
//     so etags read W/"1", W/"2";
//   - If-Match on update is checked here, and a missing resource with an
//     If-Match is a 412 (RFC 9110: the condition is false);
//   - withTransaction() keeps an undo journal, so a failed transaction
//     (or a failed conditional update inside one) leaves no trace.
// The private fields of MemoryRepository (resources, history, seeding,
// createResourceSync) are reached directly; they are checked at start-up
// (checkMemoryRepositoryShape) so a Medplum upgrade that renames them fails
// loudly instead of silently skipping validation.

import { OperationOutcomeError, badRequest, validateResource } from '@medplum/core';
import { MemoryRepository } from '@medplum/fhir-router';
import { schemaIssues } from './schema.mjs';

export function preconditionFailed(text) {
  return {
    resourceType: 'OperationOutcome',
    id: 'precondition-failed', // Medplum's getStatus() maps this id to 412
    issue: [{ severity: 'error', code: 'conflict', details: { text }, diagnostics: text }],
  };
}

// FHIR JSON never has empty strings or arrays
// (https://hl7.org/fhir/R4/json.html); Medplum's validator lets them by.
function emptyValueIssues(resource) {
  const issues = [];
  const walk = (value, path) => {
    if (value === '') {
      issues.push(emptyIssue('string', path));
    } else if (Array.isArray(value)) {
      if (value.length === 0) issues.push(emptyIssue('array', path));
      value.forEach((v, i) => walk(v, `${path}[${i}]`));
    } else if (value && typeof value === 'object') {
      // (empty objects are already refused by Medplum)
      for (const k of Object.keys(value)) walk(value[k], `${path}.${k}`);
    }
  };
  if (resource && typeof resource === 'object') {
    for (const [k, v] of Object.entries(resource)) walk(v, `${resource.resourceType}.${k}`);
  }
  return issues;
}

function emptyIssue(kind, path) {
  return {
    severity: 'error',
    code: 'structure',
    details: { text: `Empty ${kind} is not allowed in FHIR JSON (leave the element out instead)` },
    expression: [path],
  };
}

export function checkMemoryRepositoryShape() {
  const probe = new MemoryRepository();
  const ok =
    probe.resources instanceof Map &&
    probe.history instanceof Map &&
    typeof probe.seeding === 'boolean' &&
    typeof MemoryRepository.prototype.createResourceSync === 'function';
  if (!ok) {
    throw new Error(
      'this @medplum/fhir-router MemoryRepository has an unexpected shape; ' +
        'tests/fhir/lib/repository.mjs must be adapted to it'
    );
  }
}

export class TestRepository extends MemoryRepository {
  /** @param {import('./terminology.mjs').Terminology} terminology */
  constructor(terminology) {
    super();
    this.terminology = terminology;
    this.journal = []; // undo records while inside withTransaction()
    this.txDepth = 0;
    this.createdRefs = new Map(); // "Type/id" -> versionId created by the current request
    this.validations = 0;
    // JSON of resources already validated by the transaction pre-check, so
    // applying them does not validate them a second time
    this.prevalidated = new Set();
  }

  /** Throws an OperationOutcomeError (400) if the resource is not valid R4. */
  validate(resource) {
    this.validations++;
    const tokens = {};
    let structural = [];
    try {
      validateResource(resource, { collect: { tokens } });
    } catch (err) {
      if (err instanceof OperationOutcomeError) {
        structural = err.outcome.issue ?? [];
      } else {
        structural = [{ severity: 'error', code: 'invalid', details: { text: String(err?.message ?? err) } }];
      }
    }
    this.schemaChecks = (this.schemaChecks ?? 0) + 1;
    const errors = [
      ...emptyValueIssues(resource),
      ...schemaIssues(resource),
      ...structural.filter((i) => i.severity === 'error' || i.severity === 'fatal'),
      ...this.terminology.check(tokens),
    ];
    if (errors.length) {
      const ref = `${resource?.resourceType ?? '?'}/${resource?.id ?? '(no id)'}`;
      for (const issue of errors) {
        const where = issue.expression?.length ? `${issue.expression.join(', ')}: ` : '';
        let extra = '';
        if (issue.diagnostics) {
          // Medplum puts the failed FHIRPath of an invariant here as JSON
          try {
            const d = JSON.parse(issue.diagnostics);
            extra = d?.fhirpath ? ` [fhirpath: ${d.fhirpath}]` : ` [${issue.diagnostics}]`;
          } catch {
            extra = ` [${issue.diagnostics}]`;
          }
        }
        issue.diagnostics = `${ref}: ${where}${issue.details?.text ?? issue.code}${extra}`;
      }
      throw new OperationOutcomeError({ resourceType: 'OperationOutcome', issue: errors });
    }
  }

  clear() {
    super.clear();
    this.journal.length = 0;
  }

  // Single choke point of MemoryRepository for create, update, patch and
  // conditional create/update.
  createResourceSync(resource, options, update = false) {
    if (!resource || typeof resource !== 'object' || Array.isArray(resource)) {
      throw new OperationOutcomeError(badRequest('Resource body must be a JSON object'));
    }
    if (!(this.prevalidated.size && this.prevalidated.delete(JSON.stringify(resource)))) {
      this.validate(resource);
    }
    const rt = resource.resourceType;
    const id = resource.id ?? this.generateId();
    const existing = this.resources.get(rt)?.get(id);
    const histLen = this.history.get(rt)?.get(id)?.length ?? 0;
    const copy = {
      ...resource,
      id,
      meta: { ...(resource.meta ?? {}), versionId: String(histLen + 1), lastUpdated: new Date().toISOString() },
    };
    const seeding = this.seeding;
    this.seeding = true; // keep our versionId and lastUpdated
    let result;
    try {
      result = super.createResourceSync(copy, options, update);
    } finally {
      this.seeding = seeding;
    }
    if (this.txDepth > 0) this.journal.push({ rt, id, existing, histLen });
    if (!existing) this.createdRefs.set(`${rt}/${id}`, copy.meta.versionId);
    return result;
  }

  async updateResource(resource, options) {
    if (!resource?.id) {
      throw new OperationOutcomeError(badRequest('Missing id'));
    }
    const ifMatch = options?.ifMatch;
    if (ifMatch !== undefined) {
      const ref = `${resource.resourceType}/${resource.id}`;
      const existing = this.resources.get(resource.resourceType)?.get(resource.id);
      if (!existing) {
        throw new OperationOutcomeError(
          preconditionFailed(`If-Match W/"${ifMatch}" given but ${ref} does not exist`)
        );
      }
      if (ifMatch !== '*' && existing.meta?.versionId !== ifMatch) {
        throw new OperationOutcomeError(
          preconditionFailed(
            `Version conflict on ${ref}: If-Match W/"${ifMatch}" but the current version is W/"${existing.meta?.versionId}"`
          )
        );
      }
    }
    return this.createResourceSync(resource, undefined, true);
  }

  async deleteResource(resourceType, id, options) {
    const existing = this.resources.get(resourceType)?.get(id);
    const histLen = this.history.get(resourceType)?.get(id)?.length ?? 0;
    await super.deleteResource(resourceType, id, options);
    if (this.txDepth > 0) this.journal.push({ rt: resourceType, id, existing, histLen });
  }

  async withTransaction(callback) {
    const mark = this.journal.length;
    this.txDepth++;
    try {
      return await callback(this);
    } catch (err) {
      this.rollbackTo(mark);
      throw err;
    } finally {
      this.txDepth--;
      if (this.txDepth === 0) this.journal.length = 0;
    }
  }

  rollbackTo(mark) {
    while (this.journal.length > mark) {
      const { rt, id, existing, histLen } = this.journal.pop();
      const byId = this.resources.get(rt);
      if (existing) byId.set(id, existing);
      else byId?.delete(id);
      const hist = this.history.get(rt)?.get(id);
      if (hist) {
        hist.length = histLen;
        if (histLen === 0) this.history.get(rt).delete(id);
      }
      if (!existing) this.createdRefs.delete(`${rt}/${id}`);
    }
  }

  // MemoryRepository.readHistory() reverses its stored array in place, which
  // would scramble the undo journal; read a copy instead.
  async readHistory(resourceType, id, options) {
    await this.readResource(resourceType, id);
    const versions = [...(this.history.get(resourceType)?.get(id) ?? [])].reverse();
    const offset = options?.offset ?? 0;
    const page = versions.slice(offset, options?.limit !== undefined ? offset + options.limit : undefined);
    return {
      resourceType: 'Bundle',
      type: 'history',
      total: versions.length,
      ...(page.length ? { entry: page.map((v) => ({ resource: structuredClone(v) })) } : {}),
    };
  }

  /** Current stored version (no copy) or undefined. */
  peek(resourceType, id) {
    return this.resources.get(resourceType)?.get(id);
  }

  count() {
    let n = 0;
    for (const byId of this.resources.values()) n += byId.size;
    return n;
  }
}
