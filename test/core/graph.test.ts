/**
 * sortGraph: the order in which a document's operations apply. The vectors are p2panda-rs
 * 0.8's own graph tests (p2panda-rs/src/graph/graph.rs, `basics` and `poetic_graph`), with
 * the single characters as keys; the properties compare against a port of p2panda-rs's
 * `Graph::walk_from` on random DAGs fed in random orders.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { sortGraph, type GraphNode } from '../../core/index.js';
import { hasCode, mulberry32, shuffle } from './festival-support.js';

/** Nodes for `keys`, each following the nodes that link to it (previous sorted, as on the wire). */
function graphOf(keys: readonly string[], links: ReadonlyArray<readonly [from: string, to: string]>): GraphNode[] {
  return keys.map((id) => {
    const previous = links
      .filter(([, to]) => to === id)
      .map(([from]) => from)
      .sort();
    return previous.length === 0 ? { id } : { id, previous };
  });
}

const upper = (ids: readonly string[]) => ids.map((id) => id.toUpperCase());

/**
 * p2panda-rs 0.8.1 `Graph::walk_from`, ported line by line (graph.rs). It may visit a merge
 * node twice (stacked as a sibling and again as a ready merge); `firstVisits` keeps the
 * first visit of each node, which is what Panda Kit applies. p2panda stops with
 * CycleDetected once it has visited more nodes than the graph holds, which repeated visits
 * can cause in graphs without cycles: `cycleDetected` says whether p2panda would have
 * stopped (the port walks on, to compare the order).
 */
function p2pandaWalk(root: string, nodes: readonly GraphNode[]): { visits: string[]; tips: string[]; cycleDetected: boolean } {
  const next = new Map<string, string[]>(nodes.map((node) => [node.id, []]));
  const previous = new Map<string, string[]>(nodes.map((node) => [node.id, [...(node.previous ?? [])]]));
  for (const node of nodes) for (const parent of node.previous ?? []) next.get(parent)!.push(node.id);
  const isMerge = (id: string) => previous.get(id)!.length > 1;
  const isTip = (id: string) => next.get(id)!.length === 0;
  const queue = [root];
  const sorted: string[] = [];
  const tips: string[] = [];
  let cycleDetected = false;
  const unvisitedNext = (id: string) => {
    const list = next.get(id)!.filter((child) => !sorted.includes(child));
    // sort_by_key, then reverse: popping yields the lowest key first.
    return list.length === 0 ? undefined : list.sort().reverse();
  };
  while (queue.length > 0) {
    let current = queue.pop()!;
    if (sorted.length > nodes.length) cycleDetected = true;
    if (sorted.length > nodes.length ** 2 + 10) throw new Error('the port does not terminate');
    sorted.push(current);
    if (isTip(current)) tips.push(current);
    for (let candidates = unvisitedNext(current); candidates; candidates = unvisitedNext(current)) {
      const nextNode = candidates.pop()!;
      while (candidates.length > 0) queue.push(candidates.pop()!);
      if (isMerge(nextNode)) {
        if (previous.get(nextNode)!.every((parent) => sorted.includes(parent))) {
          queue.push(nextNode);
          break;
        } else if (queue.length === 0) {
          throw new Error('BadlyFormedGraph');
        }
        break;
      }
      sorted.push(nextNode);
      if (isTip(nextNode)) tips.push(nextNode);
      current = nextNode;
    }
  }
  return { visits: sorted, tips, cycleDetected };
}

const firstVisits = (visits: readonly string[]) => [...new Set(visits)];

describe('sortGraph: p2panda-rs graph test vectors', () => {
  const keys = 'abcdefghijk'.split('');
  const chain: Array<[string, string]> = [
    ['a', 'b'],
    ['b', 'c'],
    ['c', 'd'],
    ['d', 'e'],
    ['e', 'f'],
  ];
  const withG: Array<[string, string]> = [...chain, ['a', 'g'], ['g', 'h'], ['h', 'd']];
  const withI: Array<[string, string]> = [...withG, ['c', 'i'], ['i', 'j'], ['j', 'k'], ['k', 'f']];

  test('a chain: [A]<--[B]<--[C]<--[D]<--[E]<--[F] sorts as A B C D E F with tip F', () => {
    // Unlinked nodes (g..k here) are not visited, as in p2panda ("simply not visited").
    const result = sortGraph('a', graphOf(keys, chain));
    assert.deepEqual(upper(result.sorted), ['A', 'B', 'C', 'D', 'E', 'F']);
    assert.deepEqual(upper(result.tips), ['F']);
  });

  test('adding a-g, g-h, h-d: A B C G H D E F (D waits for both of its parents)', () => {
    const result = sortGraph('a', graphOf(keys, withG));
    assert.deepEqual(upper(result.sorted), ['A', 'B', 'C', 'G', 'H', 'D', 'E', 'F']);
    assert.deepEqual(upper(result.tips), ['F']);
  });

  test('adding c-i, i-j, j-k, k-f: A B C I J K G H D E F with tip F', () => {
    const result = sortGraph('a', graphOf(keys, withI));
    assert.deepEqual(upper(result.sorted), ['A', 'B', 'C', 'I', 'J', 'K', 'G', 'H', 'D', 'E', 'F']);
    assert.deepEqual(result.tips, ['f']);
  });

  test('poetic_graph: the morning routine in p2panda order', () => {
    const names: Record<string, string> = {
      a: 'Wake Up',
      b: 'Make Coffee',
      c: 'Drink Coffee',
      d: 'Stroke Cat',
      e: 'Look Out The Window',
      f: 'Start The Day',
      g: 'Cat Jumps Off Bed',
      h: 'Cat Meows',
      i: 'Brain Receives Caffeine',
      j: 'Brain Starts Engine',
      k: 'Brain Starts Thinking',
    };
    const result = sortGraph('a', graphOf(keys, withI));
    assert.deepEqual(
      result.sorted.map((id) => names[id]),
      [
        'Wake Up',
        'Make Coffee',
        'Drink Coffee',
        'Brain Receives Caffeine',
        'Brain Starts Engine',
        'Brain Starts Thinking',
        'Cat Jumps Off Bed',
        'Cat Meows',
        'Stroke Cat',
        'Look Out The Window',
        'Start The Day',
      ],
    );
  });

  test('the vectors agree with the ported p2panda walk', () => {
    for (const links of [chain, withG, withI]) {
      const nodes = graphOf(keys, links).filter((node) => node.id === 'a' || node.previous);
      const oracle = p2pandaWalk('a', nodes);
      assert.deepEqual(sortGraph('a', nodes).sorted, firstVisits(oracle.visits));
    }
  });
});

describe('sortGraph: shapes', () => {
  test('a diamond: the lower id branch first, the merge after both', () => {
    // a -> z, a -> m, z -> d, m -> d: 'm' < 'z', so m's branch goes first.
    const result = sortGraph(
      'a',
      graphOf(
        ['a', 'z', 'm', 'd'],
        [
          ['a', 'z'],
          ['a', 'm'],
          ['z', 'd'],
          ['m', 'd'],
        ],
      ),
    );
    assert.deepEqual(result.sorted, ['a', 'm', 'z', 'd']);
    assert.deepEqual(result.tips, ['d']);
  });

  test('a diamond whose merge has a lower id than either branch still waits for both', () => {
    const result = sortGraph(
      'x',
      graphOf(
        ['x', 'p', 'q', 'b'],
        [
          ['x', 'p'],
          ['x', 'q'],
          ['p', 'b'],
          ['q', 'b'],
        ],
      ),
    );
    assert.deepEqual(result.sorted, ['x', 'p', 'q', 'b']);
  });

  test('the longer branch is walked to its end before the next sibling', () => {
    // c -> a1 -> a2 and c -> b1: depth first, lowest child first.
    const result = sortGraph(
      'c',
      graphOf(
        ['c', 'a1', 'a2', 'b1'],
        [
          ['c', 'a1'],
          ['a1', 'a2'],
          ['c', 'b1'],
        ],
      ),
    );
    assert.deepEqual(result.sorted, ['c', 'a1', 'a2', 'b1']);
    assert.deepEqual(result.tips, ['a2', 'b1']);
  });

  test('several tips come back sorted, not in walk order', () => {
    // Walk order: a b d c, so the walk meets tip d before tip c.
    const result = sortGraph(
      'a',
      graphOf(
        ['a', 'b', 'c', 'd'],
        [
          ['a', 'b'],
          ['a', 'c'],
          ['b', 'd'],
        ],
      ),
    );
    assert.deepEqual(result.sorted, ['a', 'b', 'd', 'c']);
    assert.deepEqual(result.tips, ['c', 'd']);
  });

  test('a lone root is the whole graph and its own tip', () => {
    assert.deepEqual(sortGraph('r', [{ id: 'r' }]), { sorted: ['r'], tips: ['r'] });
  });

  test('other parentless nodes (a second CREATE) are not part of the walk', () => {
    const result = sortGraph('a', [{ id: 'a' }, { id: 'b', previous: ['a'] }, { id: 'other' }, { id: 'c', previous: ['other'] }]);
    assert.deepEqual(result, { sorted: ['a', 'b'], tips: ['b'] });
  });

  test('an unknown root is DOCUMENT_UNKNOWN', () => {
    assert.throws(() => sortGraph('missing', [{ id: 'a' }]), hasCode('DOCUMENT_UNKNOWN'));
  });

  test('a merge stacked as a sibling is taken from the stack as p2panda does (A B C M P)', () => {
    // a -> b -> {c, m}, a -> p -> m. At b, c (lowest) is walked and m stacked; m is popped
    // before p is reached. p2panda-rs does exactly this; the wire notes' "a merge waits for
    // all its parents" does not hold for stacked merges in p2panda either.
    const nodes = graphOf(
      ['a', 'b', 'c', 'm', 'p'],
      [
        ['a', 'b'],
        ['a', 'p'],
        ['b', 'c'],
        ['b', 'm'],
        ['p', 'm'],
      ],
    );
    const result = sortGraph('a', nodes);
    assert.deepEqual(result.sorted, ['a', 'b', 'c', 'm', 'p']);
    assert.deepEqual(result.sorted, firstVisits(p2pandaWalk('a', nodes).visits));
    assert.deepEqual(result.tips, ['c', 'm']);
  });

  test('each node is applied once, where p2panda would visit a merge twice', () => {
    // x -> a, x -> m, a -> m, m -> n: m is stacked as x's sibling and again as a ready merge.
    const nodes = graphOf(
      ['x', 'a', 'm', 'n'],
      [
        ['x', 'a'],
        ['x', 'm'],
        ['a', 'm'],
        ['m', 'n'],
      ],
    );
    const oracle = p2pandaWalk('x', nodes);
    assert.deepEqual(oracle.visits, ['x', 'a', 'm', 'n', 'm'], 'p2panda visits m twice');
    const result = sortGraph('x', nodes);
    assert.deepEqual(result.sorted, ['x', 'a', 'm', 'n']);
    assert.deepEqual(result.tips, ['n']);
  });

  test('a graph without cycles that p2panda-rs would reject as CycleDetected is sorted', () => {
    // 1 -> {0, a, c, d}, 0 -> b, b -> {c, d}: c and d are stacked twice each, so p2panda's
    // walk grows past the node count. Panda Kit applies each node once.
    const nodes = graphOf(
      ['1', '0', 'a', 'b', 'c', 'd'],
      [
        ['1', '0'],
        ['1', 'a'],
        ['1', 'c'],
        ['1', 'd'],
        ['0', 'b'],
        ['b', 'c'],
        ['b', 'd'],
      ],
    );
    const oracle = p2pandaWalk('1', nodes);
    assert.equal(oracle.cycleDetected, true);
    const result = sortGraph('1', nodes);
    assert.deepEqual(result.sorted, ['1', '0', 'b', 'c', 'd', 'a']);
    assert.deepEqual(result.sorted, firstVisits(oracle.visits));
    assert.deepEqual(result.tips, ['a', 'c', 'd']);
  });
});

describe('sortGraph: incomplete graphs', () => {
  test('a node whose previous is unknown is left out, with its descendants', () => {
    const nodes: GraphNode[] = [
      { id: 'a' },
      { id: 'b', previous: ['a'] },
      { id: 'x', previous: ['zz'] }, // zz has not arrived
      { id: 'y', previous: ['x'] },
    ];
    assert.deepEqual(sortGraph('a', nodes), { sorted: ['a', 'b'], tips: ['b'] });
  });

  test('a node with one known and one unknown previous is left out', () => {
    const nodes: GraphNode[] = [{ id: 'a' }, { id: 'b', previous: ['a'] }, { id: 'c', previous: ['b', 'zz'] }, { id: 'd', previous: ['c'] }];
    assert.deepEqual(sortGraph('a', nodes), { sorted: ['a', 'b'], tips: ['b'] });
  });

  test('a merge of a known node and a left-out node is left out', () => {
    // q is left out (its previous zz is unknown); m follows b and q.
    const nodes: GraphNode[] = [{ id: 'a' }, { id: 'b', previous: ['a'] }, { id: 'q', previous: ['zz'] }, { id: 'm', previous: ['b', 'q'] }];
    assert.deepEqual(sortGraph('a', nodes), { sorted: ['a', 'b'], tips: ['b'] });
  });

  test('a merge of a known node and a left-out node is left out even when stacked as a sibling', () => {
    // As above, but b has a second child c < m, so m is stacked rather than checked as a merge.
    const nodes: GraphNode[] = [
      { id: 'a' },
      { id: 'b', previous: ['a'] },
      { id: 'c', previous: ['b'] },
      { id: 'q', previous: ['zz'] },
      { id: 'm', previous: ['b', 'q'] },
    ];
    assert.deepEqual(sortGraph('a', nodes), { sorted: ['a', 'b', 'c'], tips: ['c'] });
  });

  test('a cycle not reachable from the root does not hang and is left out', () => {
    // b follows a and d, d follows c, c follows b: b can never have all its parents.
    const nodes: GraphNode[] = [
      { id: 'a' },
      { id: 'b', previous: ['a', 'd'] },
      { id: 'c', previous: ['b'] },
      { id: 'd', previous: ['c'] },
      { id: 'e', previous: ['a'] },
    ];
    assert.deepEqual(sortGraph('a', nodes), { sorted: ['a', 'e'], tips: ['e'] });
  });

  test('once the missing operation arrives, the left-out nodes join in their place', () => {
    const partial: GraphNode[] = [{ id: 'a' }, { id: 'c', previous: ['b'] }, { id: 'd', previous: ['c'] }];
    assert.deepEqual(sortGraph('a', partial).sorted, ['a']);
    assert.deepEqual(sortGraph('a', [...partial, { id: 'b', previous: ['a'] }]), { sorted: ['a', 'b', 'c', 'd'], tips: ['d'] });
  });
});

// ---------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------

/** A random document graph: node i > 0 follows 1..3 earlier nodes; ids unrelated to depth. */
const dagArb = fc
  .integer({ min: 1, max: 14 })
  .chain((size) =>
    fc.record({
      ids: fc.uniqueArray(
        fc.integer({ min: 0, max: 36 ** 2 - 1 }).map((n) => n.toString(36)),
        { minLength: size, maxLength: size },
      ),
      parents: fc.tuple(
        ...Array.from({ length: size }, (_, index) =>
          index === 0 ? fc.constant<number[]>([]) : fc.uniqueArray(fc.integer({ min: 0, max: index - 1 }), { minLength: 1, maxLength: Math.min(3, index) }),
        ),
      ),
      seed: fc.integer(),
    }),
  )
  .map(({ ids, parents, seed }) => {
    const nodes: GraphNode[] = ids.map((id, index) => (index === 0 ? { id } : { id, previous: parents[index]!.map((parent) => ids[parent]!).sort() }));
    return { root: ids[0]!, nodes, seed };
  });

describe('sortGraph: properties', () => {
  test('the same operations in any order give the same result', () => {
    fc.assert(
      fc.property(dagArb, ({ root, nodes, seed }) => {
        const expected = sortGraph(root, nodes);
        const random = mulberry32(seed);
        for (let round = 0; round < 5; round++) {
          // Shuffled, and with some nodes delivered twice.
          const input = shuffle([...nodes, ...nodes.filter(() => random() < 0.2)], random);
          assert.deepEqual(sortGraph(root, input), expected);
        }
      }),
      { numRuns: 500, seed: 1234 },
    );
  });

  test('every node appears exactly once, the root first, and each single-parent node after its parent', () => {
    fc.assert(
      fc.property(dagArb, ({ root, nodes }) => {
        const { sorted } = sortGraph(root, nodes);
        assert.equal(sorted[0], root);
        assert.equal(new Set(sorted).size, sorted.length, 'no node twice');
        assert.deepEqual([...sorted].sort(), nodes.map((node) => node.id).sort(), 'every node of a connected graph');
        for (const node of nodes) {
          if (node.previous?.length === 1) assert.ok(sorted.indexOf(node.previous[0]!) < sorted.indexOf(node.id));
        }
      }),
      { numRuns: 300, seed: 42 },
    );
  });

  test('tips are the nodes nothing follows, sorted', () => {
    fc.assert(
      fc.property(dagArb, ({ root, nodes }) => {
        const followed = new Set(nodes.flatMap((node) => node.previous ?? []));
        const expected = nodes
          .map((node) => node.id)
          .filter((id) => !followed.has(id))
          .sort();
        assert.deepEqual(sortGraph(root, nodes).tips, expected);
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  test('the order is p2panda-rs walk_from order (first visit of each node)', () => {
    fc.assert(
      fc.property(dagArb, ({ root, nodes }) => {
        const oracle = p2pandaWalk(root, nodes);
        const result = sortGraph(root, nodes);
        assert.deepEqual(result.sorted, firstVisits(oracle.visits));
        assert.deepEqual(result.tips, [...new Set(oracle.tips)].sort());
      }),
      { numRuns: 1500, seed: 99 },
    );
  });

  test('when an operation is missing, exactly the operations that descend from it are left out', () => {
    fc.assert(
      fc.property(dagArb, fc.nat(), ({ root, nodes }, pick) => {
        if (nodes.length < 2) return;
        const missing = nodes[1 + (pick % (nodes.length - 1))]!.id;
        // Everything that descends from the missing node.
        const gone = new Set([missing]);
        for (let changed = true; changed;) {
          changed = false;
          for (const node of nodes) {
            if (!gone.has(node.id) && node.previous?.some((id) => gone.has(id))) {
              gone.add(node.id);
              changed = true;
            }
          }
        }
        const present = nodes.filter((node) => node.id !== missing);
        const result = sortGraph(root, present);
        assert.deepEqual(
          [...result.sorted].sort(),
          nodes
            .map((node) => node.id)
            .filter((id) => !gone.has(id))
            .sort(),
        );
      }),
      { numRuns: 500, seed: 2024 },
    );
  });
});
