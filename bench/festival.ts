/**
 * Issue #3 benchmark: a festival of 2,000 events, 300 resources and 6,000 authorizations
 * (with profiles, nested festivals and updates, about 10,000 operations), materialised and
 * asked for its schedule, next to only decoding the same operations.
 */
import * as core from '../core/index.js';

const EVENTS = 2000;
const RESOURCES = 300;
const AUTHORIZATIONS = 6000;
const USERS = 50;
const HOUR = 3600;
const T0 = 1_800_000_000;
const WARM_UP_RUNS = 10;
const RUNS = 15;

/** Deterministic pseudo-random numbers (mulberry32), so every run builds the same festival. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function buildFestival(): Promise<{ store: core.MemoryStore; festivalId: string }> {
  const rand = random(2026);
  const pick = <T>(items: readonly T[]) => items[Math.floor(rand() * items.length)]!;
  const store = new core.MemoryStore();
  const node = new core.FestivalNode(store);
  const users = Array.from({ length: USERS }, () => new core.KeyPair());
  const orga = users[0]!;
  const festival = await node.createFestival(orga, { name: 'Hoffnung 3000', start: T0, end: T0 + 72 * HOUR, timezone: 'Europe/Berlin' });
  const areas = [festival.documentId];
  for (const name of ['Kids', 'Workshops', 'Night', 'Forest']) {
    areas.push((await node.createFestival(orga, { name, start: T0, end: T0 + 72 * HOUR, parent: festival.documentId })).documentId);
  }
  for (const user of users) await node.createProfile(user, { name: `user ${user.publicKey().slice(0, 6)}` });

  const resources: Array<{ id: string; owner: core.KeyPair; members: core.KeyPair[] }> = [];
  for (let i = 0; i < RESOURCES; i++) {
    const owner = users[1 + (i % 30)]!;
    const kind = i % 5 === 0 ? 'location' : i % 5 === 1 ? 'skill' : 'thing';
    const policy = i % 7 === 0 ? 'quorum' : i % 3 === 0 ? 'manual' : 'first-come-first-served';
    const members = policy === 'quorum' ? [owner, pick(users), pick(users)].filter((m, j, all) => all.indexOf(m) === j) : [];
    const dependsOn = kind === 'thing' && i % 4 === 0 && resources.length > 0 ? [pick(resources).id] : [];
    const created = await node.createResource(owner, {
      festival: pick(areas),
      title: `${kind} ${i}`,
      description: 'Shared for the festival; please treat it well.',
      kind,
      capacity: 1 + (i % 3),
      policy,
      quorum: policy === 'quorum' ? Math.min(2, members.length) : 0,
      members: members.map((m) => m.publicKey()),
      dependsOn,
      ...(kind === 'location' ? { position: `geo:52.${i},13.${i}`, address: `Wiese ${i}` } : {}),
    });
    resources.push({ id: created.documentId, owner, members });
  }

  const requests: Array<{ event: string; resource: (typeof resources)[number] }> = [];
  const events: Array<{ id: string; author: core.KeyPair }> = [];
  for (let i = 0; i < EVENTS; i++) {
    const author = pick(users);
    const start = T0 + Math.floor(rand() * 70) * HOUR;
    const wanted = [...new Set(Array.from({ length: 1 + Math.floor(rand() * 3) }, () => pick(resources)))];
    const created = await node.createEvent(author, {
      festival: pick(areas),
      title: `Session ${i}`,
      description: 'Come along, everyone is welcome.',
      start,
      end: start + (1 + Math.floor(rand() * 3)) * HOUR,
      resources: wanted.map((r) => r.id),
      createdAt: T0 - 86400 + i,
    });
    events.push({ id: created.documentId, author });
    for (const resource of wanted) requests.push({ event: created.documentId, resource });
  }
  for (let i = 0; i < AUTHORIZATIONS; i++) {
    const { event, resource } = requests[i % requests.length]!;
    const voter = resource.members.length > 0 ? pick(resource.members) : resource.owner;
    await node.authorize(voter, resource.id, event, rand() < 0.8 ? 'confirm' : 'deny', '', T0 - 3600 + i);
  }
  // Second thoughts: some events move.
  for (let i = 0; i < 1600; i++) {
    const { id, author } = events[i]!;
    await node.update(author, id, { title: `Session ${i} (moved)`, start: BigInt(T0 + (i % 60) * HOUR), end: BigInt(T0 + ((i % 60) + 2) * HOUR) });
  }
  return { store, festivalId: festival.documentId };
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

export async function run(): Promise<void> {
  await core.hashingReady();
  const { store, festivalId } = await buildFestival();
  const schemas = core.festivalSchemaRegistry();
  const stored = (await Promise.all(core.FESTIVAL_SCHEMAS.map((schema) => store.getOperationsBySchema(schema.id)))).flat();
  const bytes = stored.reduce((sum, operation) => sum + operation.bytes.length, 0);

  // Each kind of work runs back to back, so that neither pays for the other's garbage:
  // first one cold run, then warm-up runs until the JIT has settled, then the timed runs.
  const timed = (work: () => void) => {
    let start = performance.now();
    work();
    const cold = performance.now() - start;
    for (let run = 0; run < WARM_UP_RUNS; run++) work();
    const times: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      start = performance.now();
      work();
      times.push(performance.now() - start);
    }
    return { cold, times };
  };
  const decoding = timed(() => {
    for (const operation of stored) core.decodeOperation(operation.bytes);
  });
  // Materialised from the stored operations: the model decodes each document's operations
  // (checked against their schemas) as it goes. Each run's model is dropped before the next
  // is built, as decoding's results are: one model at a time is what is measured.
  const materialising = timed(() => {
    new core.FestivalModel(stored, undefined, schemas).schedule(festivalId);
  });
  const decode = median(decoding.times);
  const materialise = median(materialising.times);
  const model = new core.FestivalModel(stored, undefined, schemas);
  const schedule = model.schedule(festivalId);
  const requests = [...model.requests.values()].reduce((sum, statuses) => sum + statuses.size, 0);
  const confirmed = [...model.requests.values()].flatMap((statuses) => [...statuses.values()]).filter((status) => status.state === 'confirmed').length;

  console.log(
    `\n## Festival model: ${stored.length.toLocaleString('en-US')} operations (${Math.round(bytes / 1024)} KiB): ${model.events.size} events, ${model.resources.size} resources, ${model.authorizations.size} authorizations, ${model.festivals.size} festivals, ${model.profiles.size} profiles`,
  );
  console.log(`| work | time (median of ${RUNS}, after ${WARM_UP_RUNS} warm-up runs) | per operation | first run (cold) |`);
  console.log('|---|---|---|---|');
  console.log(`| decode the operations only | ${decode.toFixed(1)} ms | ${((decode / stored.length) * 1000).toFixed(2)} us | ${decoding.cold.toFixed(1)} ms |`);
  console.log(
    `| materialise everything and answer the schedule query | ${materialise.toFixed(1)} ms | ${((materialise / stored.length) * 1000).toFixed(2)} us | ${materialising.cold.toFixed(1)} ms |`,
  );
  console.log(`| ratio (target at most 2) | ${(materialise / decode).toFixed(2)}x | | ${(materialising.cold / decoding.cold).toFixed(2)}x |`);
  console.log(`Schedule: ${schedule.length} events; ${requests} requests, ${confirmed} confirmed.`);
}
