// bench.mjs - load figures for mdtchair's test FHIR server (loopback only).
//   fhir-node bench.mjs --url https://127.0.0.1:PORT/fhir/R4 --ca ca.pem
//                       [--bundles 200] [--entries 50] [--concurrency 1] [--type transaction]
// Posts --bundles bundles, each of --entries PUT-as-create Tasks with fresh
// ids, over keep-alive connections, then prints bundles/s and entries/s.
import https from 'node:https';
import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';

const { values: a } = parseArgs({
  options: {
    url: { type: 'string' },
    ca: { type: 'string' },
    bundles: { type: 'string', default: '200' },
    entries: { type: 'string', default: '50' },
    concurrency: { type: 'string', default: '1' },
    type: { type: 'string', default: 'transaction' },
  },
});
const url = new URL(a.url);
if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) throw new Error('bench.mjs only talks to loopback');
const bundles = Number(a.bundles);
const entries = Number(a.entries);
const concurrency = Number(a.concurrency);
const agent = new https.Agent({ keepAlive: true, maxSockets: concurrency, ca: fs.readFileSync(a.ca) });

function bundle() {
  return JSON.stringify({
    resourceType: 'Bundle',
    type: a.type,
    entry: Array.from({ length: entries }, () => {
      const id = randomUUID();
      return {
        fullUrl: `urn:uuid:${id}`,
        resource: {
          resourceType: 'Task', id, status: 'requested', intent: 'order', description: 'Refer for CT chest',
          for: { identifier: { system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9434765919' } },
          authoredOn: '2026-11-25T13:00:00Z', restriction: { period: { end: '2026-12-09' } },
        },
        request: { method: 'PUT', url: `Task/${id}` },
      };
    }),
  });
}

function post(body) {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: 'POST', agent, headers: { 'Content-Type': 'application/fhir+json', 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const bodies = Array.from({ length: bundles }, bundle);
await post(bundle()); // warm-up
let next = 0;
const t0 = process.hrtime.bigint();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < bodies.length) await post(bodies[next++]);
  })
);
const s = Number(process.hrtime.bigint() - t0) / 1e9;
agent.destroy();
console.log(
  `${bundles} ${a.type} bundles x ${entries} PUTs, concurrency ${concurrency}: ${s.toFixed(2)} s, ` +
    `${(bundles / s).toFixed(1)} bundles/s, ${((bundles * entries) / s).toFixed(0)} entries/s, ` +
    `${((s / bundles) * 1000).toFixed(1)} ms per bundle`
);
