/**
 * The overlay simulator's invariants over many seeds (test/overlay-sim/): with churn and 5%
 * of frames lost, no peer ever holds more than the host's cap of connections, every entry
 * written reaches every peer online then and a minute later, every online peer holds every
 * entry once churn stops, and a partitioned overlay is one component again once contacts
 * return. The same seed gives the same run. `npm run bench -- overlay` runs 1,000 peers.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { simulate, type SimulationOptions } from '../overlay-sim/simulation.js';

const small = (seed: number): SimulationOptions => ({
  seed,
  peers: 60 + (seed % 3) * 30,
  churnMinutes: 3,
  initialEntries: 80,
  published: 4,
  partition: true,
});

describe('overlay simulation', () => {
  test('20 seeds, 60 to 120 peers: bounded degree, every online peer reached, partitions heal', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const result = simulate(small(seed));
      const where = `seed ${seed}`;
      assert.ok(result.maxConnections <= 10, `${where}: ${result.maxConnections} connections`);
      assert.ok(result.maxActive <= 6, where);
      assert.equal(result.peersMissingEntries, 0, where);
      for (const entry of result.entries) assert.equal(entry.reached, entry.targets, where);
      assert.ok(
        result.entries.every((entry) => entry.ms100 < 60_000),
        where,
      );
      assert.equal(result.partition?.componentsAtSplit, 2, where);
      assert.ok(Number.isFinite(result.partition.oneComponentMs), `${where}: never one component again`);
      assert.ok(Number.isFinite(result.partition.entriesEverywhereMs), `${where}: entries written apart never met`);
    }
  });

  test('the same seed replays the same run', () => {
    const options = { ...small(7), partition: false, churnMinutes: 2 };
    assert.deepEqual(simulate(options), simulate(options));
  });
});
