/**
 * Issue #2 benchmark: sign-and-encode and decode-and-verify of the same 10,000 entries with
 * ~200-byte operations, Panda Kit core against p2panda-js 0.8.1, with WebCrypto Ed25519
 * alone (sign or verify of the same bytes, nothing else) as the ceiling.
 *
 * The festival shape: 20 authors x 5 logs x 100 entries. Within a log every entry needs
 * the hash of the one before, so a log is signed strictly in sequence; core signs different
 * logs concurrently (as a peer does), p2panda-js is synchronous. Decoding verifies entries in
 * batches of 256 concurrently, as replication receives them. The sequential figures (one
 * entry at a time, awaiting each) are printed too. Every figure is the median of three runs.
 */
import * as p2panda from 'p2panda-js';
import * as core from '../core/index.js';
import { parseEntry } from '../core/entry/decode.js';

const AUTHORS = 20;
const LOGS_PER_AUTHOR = 5;
const ENTRIES_PER_LOG = 100;
const TOTAL = AUTHORS * LOGS_PER_AUTHOR * ENTRIES_PER_LOG;
const BATCH = 256;
const SCHEMA_ID = 'events_0020c9db3376fa753b041e199ebfe1c0e6dfb50ca7924c7eedfdd35f141ac8d1207c';
const VENUE = '002078619bd4beff4bec4d4ccf75a7a5c25bf5d3c37fbd051a45debf1f17a1f75230';

interface Job {
  author: number;
  logId: number;
  seqNum: number;
  fields: { title: string; description: string; start: number; capacity: number };
}

function jobs(): Job[] {
  const list: Job[] = [];
  for (let author = 0; author < AUTHORS; author++)
    for (let logId = 0; logId < LOGS_PER_AUTHOR; logId++)
      for (let seqNum = 1; seqNum <= ENTRIES_PER_LOG; seqNum++)
        list.push({
          author,
          logId,
          seqNum,
          fields: {
            title: `Workshop ${author}-${logId}-${seqNum}`,
            description: 'Bring your own iron.',
            start: 1_700_000_000 + seqNum * 3600,
            capacity: 12 + (seqNum % 20),
          },
        });
  return list;
}

function coreFields(job: Job): core.OperationFields {
  const fields = new core.OperationFields({ title: job.fields.title, description: job.fields.description });
  fields.insert('start', 'int', BigInt(job.fields.start));
  fields.insert('capacity', 'int', BigInt(job.fields.capacity));
  fields.insert('venue', 'relation', VENUE);
  return fields;
}

function p2pandaFields(job: Job): p2panda.OperationFields {
  const fields = new p2panda.OperationFields({ title: job.fields.title, description: job.fields.description });
  fields.insert('start', 'int', job.fields.start);
  fields.insert('capacity', 'int', job.fields.capacity);
  fields.insert('venue', 'relation', VENUE);
  return fields;
}

function linksFor(seqNum: number, hashes: string[]): { backlink?: string; skiplink?: string } {
  const seq = BigInt(seqNum);
  const links: { backlink?: string; skiplink?: string } = {};
  if (seqNum > 1) links.backlink = hashes[seqNum - 2]!;
  if (core.isSkiplinkRequired(seq)) links.skiplink = hashes[Number(core.lipmaa(seq)) - 1]!;
  return links;
}

const RUNS = 3;

/** Runs `work` RUNS times and returns the median rate in items per second. */
async function medianRate(count: number, work: () => unknown): Promise<number> {
  const rates: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    await work();
    rates.push((count / (performance.now() - start)) * 1000);
  }
  return rates.sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
}
const fmt = (perSecond: number) => `${Math.round(perSecond).toLocaleString('en-US')}/s`;

export async function run(): Promise<void> {
  await core.hashingReady();
  const privateKeys = Array.from({ length: AUTHORS }, () => new core.KeyPair().privateKey());
  const coreKeys = privateKeys.map((key) => new core.KeyPair(key));
  const p2pandaKeys = privateKeys.map((key) => new p2panda.KeyPair(key));
  const work = jobs();
  const byLog = new Map<string, Job[]>();
  for (const job of work) {
    const key = `${job.author}/${job.logId}`;
    byLog.set(key, [...(byLog.get(key) ?? []), job]);
  }
  await core.signAndEncodeEntry({ operation: core.encodeOperation({ schemaId: SCHEMA_ID, fields: coreFields(work[0]!) }) }, coreKeys[0]!); // warm-up

  // --- sign and encode: p2panda-js ---
  let p2pandaEntries: string[] = [];
  const p2pandaSign = await medianRate(TOTAL, () => {
    p2pandaEntries = [];
    for (const logJobs of byLog.values()) {
      const hashes: string[] = [];
      for (const job of logJobs) {
        const operation = p2panda.encodeOperation({ schemaId: SCHEMA_ID, fields: p2pandaFields(job) });
        const entry = p2panda.signAndEncodeEntry(
          { logId: job.logId, seqNum: job.seqNum, ...linksFor(job.seqNum, hashes), operation },
          p2pandaKeys[job.author]!,
        );
        hashes.push(p2panda.generateHash(entry));
        p2pandaEntries.push(entry);
      }
    }
  });

  // --- sign and encode: core, logs concurrently ---
  const signLog = async (logJobs: Job[]) => {
    const hashes: string[] = [];
    const out: Array<{ entry: Uint8Array; operation: Uint8Array }> = [];
    for (const job of logJobs) {
      const operation = core.encodeOperation({ schemaId: SCHEMA_ID, fields: coreFields(job) });
      const entry = await core.signAndEncodeEntry({ logId: job.logId, seqNum: job.seqNum, ...linksFor(job.seqNum, hashes), operation }, coreKeys[job.author]!);
      hashes.push(core.generateHash(entry));
      out.push({ entry, operation });
    }
    return out;
  };
  await Promise.all([...byLog.values()].slice(0, 10).map(signLog)); // warm-up
  let signed: Array<{ entry: Uint8Array; operation: Uint8Array }> = [];
  const coreSign = await medianRate(TOTAL, async () => {
    signed = (await Promise.all([...byLog.values()].map(signLog))).flat();
  });
  const coreSignSequential = await medianRate(TOTAL, async () => {
    for (const logJobs of byLog.values()) await signLog(logJobs);
  });

  // Both libraries made the very same bytes.
  signed.forEach(({ entry }, i) => {
    if (core.bytesToHex(entry) !== p2pandaEntries[i]) throw new Error(`entry ${i} differs between core and p2panda-js`);
  });

  // --- ceiling: WebCrypto Ed25519 alone, same messages, same concurrency ---
  const parsed = signed.map(({ entry }) => parseEntry(entry));
  const subtle = globalThis.crypto.subtle;
  const signingKeys = await Promise.all(
    coreKeys.map((key) =>
      subtle.importKey('pkcs8', core.hexToBytes('302e020100300506032b657004220420' + key.privateKey()) as Uint8Array<ArrayBuffer>, { name: 'Ed25519' }, false, [
        'sign',
      ]),
    ),
  );
  const authorOf = new Map(coreKeys.map((key, i) => [key.publicKey(), i]));
  const nativeSign = await medianRate(TOTAL, () =>
    Promise.all(
      [...byLog.values()].map(async (logJobs) => {
        for (const job of logJobs) {
          const index = job.author * LOGS_PER_AUTHOR * ENTRIES_PER_LOG + job.logId * ENTRIES_PER_LOG + job.seqNum - 1;
          await subtle.sign('Ed25519', signingKeys[job.author]!, parsed[index]!.signedBytes as Uint8Array<ArrayBuffer>);
        }
      }),
    ),
  );

  // --- decode and verify: entry, signature, payload size and hash, operation ---
  const p2pandaOperations = signed.map(({ operation }) => core.bytesToHex(operation));
  const p2pandaDecode = await medianRate(TOTAL, () => {
    for (let i = 0; i < TOTAL; i++) {
      const entry = p2panda.decodeEntry(p2pandaEntries[i]!);
      const operation = p2pandaOperations[i]!;
      if (entry.payloadSize !== BigInt(operation.length / 2) || entry.payloadHash !== p2panda.generateHash(operation)) throw new Error('payload mismatch');
      p2panda.decodeOperation(operation);
    }
  });

  const coreDecodeOne = async ({ entry, operation }: { entry: Uint8Array; operation: Uint8Array }) => {
    const decoded = await core.decodeEntry(entry);
    core.validatePayload(decoded, operation);
    core.decodeOperation(operation);
  };
  const coreDecode = await medianRate(TOTAL, async () => {
    for (let i = 0; i < TOTAL; i += BATCH) await Promise.all(signed.slice(i, i + BATCH).map(coreDecodeOne));
  });
  const coreDecodeSequential = await medianRate(TOTAL, async () => {
    for (const pair of signed) await coreDecodeOne(pair);
  });

  // One WebCrypto call awaited at a time: the ceiling of the one-at-a-time column.
  const nativeSignSequential = await medianRate(TOTAL, async () => {
    for (const [i, entry] of parsed.entries()) {
      await subtle.sign('Ed25519', signingKeys[authorOf.get(entry.publicKey)!]!, parsed[i]!.signedBytes as Uint8Array<ArrayBuffer>);
    }
  });

  const verifyingKeys = await Promise.all(
    coreKeys.map((key) => subtle.importKey('raw', key.publicKeyBytes() as Uint8Array<ArrayBuffer>, { name: 'Ed25519' }, false, ['verify'])),
  );
  const nativeVerify = await medianRate(TOTAL, async () => {
    for (let i = 0; i < TOTAL; i += BATCH) {
      await Promise.all(
        parsed
          .slice(i, i + BATCH)
          .map((entry) =>
            subtle.verify(
              'Ed25519',
              verifyingKeys[authorOf.get(entry.publicKey)!]!,
              entry.signatureBytes as Uint8Array<ArrayBuffer>,
              entry.signedBytes as Uint8Array<ArrayBuffer>,
            ),
          ),
      );
    }
  });

  const nativeVerifySequential = await medianRate(TOTAL, async () => {
    for (const entry of parsed) {
      await subtle.verify(
        'Ed25519',
        verifyingKeys[authorOf.get(entry.publicKey)!]!,
        entry.signatureBytes as Uint8Array<ArrayBuffer>,
        entry.signedBytes as Uint8Array<ArrayBuffer>,
      );
    }
  });

  const averageOperation = Math.round(signed.reduce((sum, { operation }) => sum + operation.length, 0) / TOTAL);
  console.log(
    `\n## Entries: ${TOTAL.toLocaleString('en-US')} entries (${AUTHORS} authors x ${LOGS_PER_AUTHOR} logs x ${ENTRIES_PER_LOG}), operations of ${averageOperation} bytes on average`,
  );
  console.log(
    '| work | p2panda-js 0.8.1 | core | core / p2panda-js | target | core, one at a time | WebCrypto Ed25519 alone (ceiling) | WebCrypto alone, one at a time (ceiling) |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  console.log(
    `| sign and encode | ${fmt(p2pandaSign)} | ${fmt(coreSign)} | ${(coreSign / p2pandaSign).toFixed(2)}x | >= 3x | ${fmt(coreSignSequential)} (${(coreSignSequential / p2pandaSign).toFixed(2)}x) | ${fmt(nativeSign)} | ${fmt(nativeSignSequential)} (${(nativeSignSequential / p2pandaSign).toFixed(2)}x) |`,
  );
  console.log(
    `| decode and verify | ${fmt(p2pandaDecode)} | ${fmt(coreDecode)} | ${(coreDecode / p2pandaDecode).toFixed(2)}x | >= 2.5x | ${fmt(coreDecodeSequential)} (${(coreDecodeSequential / p2pandaDecode).toFixed(2)}x) | ${fmt(nativeVerify)} | ${fmt(nativeVerifySequential)} (${(nativeVerifySequential / p2pandaDecode).toFixed(2)}x) |`,
  );
  console.log(
    'One at a time, every call waits for its own WebCrypto operation (a trip to the crypto thread and back); the last column is that wait alone, with nothing else done.',
  );
  console.log(`Each figure is the median of ${RUNS} runs. p2panda-js gets its input as the hex strings its API takes, converted before timing.`);
}
