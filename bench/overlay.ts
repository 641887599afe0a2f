/**
 * Issue #16 benchmark: one festival of 1,000 peers on the HyParView overlay (core/overlay),
 * simulated on virtual time (test/overlay-sim/): 10% of the peers leave and as many join
 * each simulated minute, 5% of frames are lost, entries are written meanwhile, then the
 * overlay is cut in two halves for a minute. Three runs, one seed: the paper's active view
 * (5, at most 6), a view of 6 (at most 7), and the paper's view with today's replication
 * (every stored entry pushed in full to every neighbour) instead of notes and wants.
 */
import { simulate, type SimulationOptions, type SimulationResult } from '../test/overlay-sim/simulation.js';

const PEERS = 1_000;
const base: SimulationOptions = { seed: 16, peers: PEERS, churn: 0.1, churnMinutes: 5, initialEntries: 500, published: 20, partition: true };

const runs: Array<{ name: string; options: SimulationOptions }> = [
  { name: 'active 5 (max 6), notes', options: base },
  { name: 'active 6 (max 7), notes', options: { ...base, overlay: { activeTarget: 6, maxActive: 7 } } },
  { name: 'active 5 (max 6), full push (today)', options: { ...base, replication: 'push' } },
];

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const worst = (values: readonly number[]) => Math.max(...values);
const seconds = (ms: number) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(1)} s` : 'never');
const ratio = (x: number) => `${x.toFixed(2)}x`;

function rows(result: SimulationResult): string[] {
  const { entries, bytesPerPeer, partition } = result;
  const hops99 = entries.map((entry) => entry.hops99);
  const ms99 = entries.map((entry) => entry.ms99);
  const ms100 = entries.map((entry) => entry.ms100);
  const reached = entries.reduce((sum, entry) => sum + entry.reached, 0);
  const targets = entries.reduce((sum, entry) => sum + entry.targets, 0);
  return [
    `${result.peersEver.toLocaleString('en-US')} / ${result.onlineAtEnd.toLocaleString('en-US')}`,
    `${result.maxConnections}`,
    `${result.maxActive} (mean ${result.meanActive.toFixed(2)})`,
    `${median(hops99)} (worst ${worst(hops99)}; max ${worst(entries.map((entry) => entry.hopsMax))})`,
    `${result.shortestHops99}`,
    `${seconds(median(ms99))} (worst ${seconds(worst(ms99))})`,
    `${seconds(median(ms100))} (worst ${seconds(worst(ms100))})`,
    `${reached.toLocaleString('en-US')} of ${targets.toLocaleString('en-US')}; ${result.peersMissingEntries} lacking any entry after churn`,
    `${ratio(bytesPerPeer.mean)} (p99 ${ratio(bytesPerPeer.p99)}, max ${ratio(bytesPerPeer.max)})`,
    `${ratio(result.wirePerUseful)} (overlay ${(result.overlayShare * 100).toFixed(1)}%, ${result.duplicates.toLocaleString('en-US')} duplicate entries)`,
    partition ? `${partition.componentsAtSplit} -> 1 in ${seconds(partition.oneComponentMs)}` : '',
    partition ? seconds(partition.entriesEverywhereMs) : '',
  ];
}

const FIGURES: Array<[string, string]> = [
  ['peers ever / online at the end', ''],
  ['most connections any peer held', '<= 10'],
  ['largest active view', ''],
  ['hops until 99% of online peers hold an entry (median of entries)', '<= 6'],
  ['shortest paths over the active views, 99th percentile', ''],
  ['time until 99% hold it (median of entries)', ''],
  ['time until 100% hold it (median of entries)', ''],
  ['online peers reached (online when written and a minute later)', 'all'],
  ['bytes sent per peer / festival data (mean)', '<= 2x'],
  ['all bytes sent / entry bytes newly stored', ''],
  ['partition into halves for a minute, then contacts return: components', '1'],
  ['entries written in each half held everywhere after', ''],
];

export async function run(): Promise<void> {
  const results: SimulationResult[] = [];
  let wall = 0;
  for (const { options } of runs) {
    const started = performance.now();
    results.push(simulate(options));
    wall += performance.now() - started;
  }
  const data = results[0]!.dataBytes;
  console.log(
    `\n## Overlay: ${PEERS.toLocaleString('en-US')} peers of one festival, 10% churn per simulated minute for 5 minutes, 5% frame loss, ` +
      `${(data / 1024).toFixed(0)} KiB of festival data (${base.initialEntries} entries, ${base.published} written during churn), seed ${base.seed} (${(wall / 1000).toFixed(1)} s of wall time)`,
  );
  console.log(`| figure | target | ${runs.map((item) => item.name).join(' | ')} |`);
  console.log(`|---|---|${runs.map(() => '---|').join('')}`);
  const columns = results.map(rows);
  for (const [i, [figure, target]] of FIGURES.entries()) console.log(`| ${figure} | ${target} | ${columns.map((column) => column[i]).join(' | ')} |`);
  await Promise.resolve();
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
