import { PandaError } from '../errors.js';
import type { Hash } from '../hash/hash.js';

/** One operation as a node of its document's graph. */
export interface GraphNode {
  id: Hash;
  /** The view id this operation follows; absent on the document's CREATE. */
  previous?: readonly Hash[];
}

export interface SortedGraph {
  /** Operation ids in the order their changes apply. */
  sorted: Hash[];
  /** Operations nothing follows: the document's current view id, sorted. */
  tips: Hash[];
}

/**
 * Orders a document's operations the way p2panda-rs 0.8 does (graph::Graph::walk_from),
 * so every peer that holds the same operations applies them in the same order as p2panda.
 *
 * From the root, the walk follows the child with the lowest id and stacks the other
 * children; a merge node (several previous) reached by the walk waits until all its parents
 * are visited; when a path ends, the most recently stacked node continues. As in p2panda, a
 * merge node that was stacked as a sibling is taken when it comes off the stack, even if a
 * parent is still unvisited. One deliberate difference: p2panda may visit a node twice (a
 * stacked sibling reached again as a merge) and then applies it twice; here a node is
 * applied once, at its first visit.
 *
 * Nodes whose previous operations are not all known are left out (with everything after
 * them): they join once the missing operations arrive.
 */
export function sortGraph(root: Hash, nodes: Iterable<GraphNode>): SortedGraph {
  const byId = new Map<Hash, GraphNode>();
  for (const node of nodes) byId.set(node.id, node);
  if (!byId.has(root)) throw new PandaError('DOCUMENT_UNKNOWN', `The document's create operation ${root} is not known`);

  // Whether every ancestor of a node is known, back to the root. Iterative (documents may
  // have very long histories) and memoised; nodes on a cycle are not complete.
  const complete = new Map<Hash, boolean | 'visiting'>([[root, true]]);
  const isComplete = (start: Hash): boolean => {
    const stack = [start];
    while (stack.length > 0) {
      const id = stack.at(-1)!;
      const state = complete.get(id);
      const previous = byId.get(id)?.previous;
      if (state === true || state === false) {
        stack.pop();
      } else if (!previous || previous.length === 0) {
        complete.set(id, false);
        stack.pop();
      } else if (state === undefined) {
        complete.set(id, 'visiting');
        for (const parent of previous) if (!complete.has(parent)) stack.push(parent);
      } else {
        complete.set(
          id,
          previous.every((parent) => complete.get(parent) === true),
        );
        stack.pop();
      }
    }
    return complete.get(start) === true;
  };

  const children = new Map<Hash, Hash[]>();
  const parentCount = new Map<Hash, number>();
  for (const node of byId.values()) {
    if (node.id === root || !isComplete(node.id)) continue;
    const previous = node.previous!;
    parentCount.set(node.id, previous.length);
    for (const parent of previous) {
      const list = children.get(parent);
      if (list) list.push(node.id);
      else children.set(parent, [node.id]);
    }
  }
  for (const list of children.values()) list.sort();

  const visited = new Set<Hash>();
  const sorted: Hash[] = [];
  const tips: Hash[] = [];
  const isMerge = (id: Hash) => (parentCount.get(id) ?? 0) > 1;
  const parentsVisited = (id: Hash) => byId.get(id)!.previous!.every((parent) => visited.has(parent));
  const visit = (id: Hash) => {
    visited.add(id);
    sorted.push(id);
    if (!children.has(id)) tips.push(id);
  };
  // Unvisited children of `id`, ascending.
  const next = (id: Hash) => (children.get(id) ?? []).filter((child) => !visited.has(child));

  const queue: Hash[] = [root];
  while (queue.length > 0) {
    let current = queue.pop()!;
    if (visited.has(current)) continue;
    visit(current);
    for (let candidates = next(current); candidates.length > 0; candidates = next(current)) {
      const [lowest, ...others] = candidates;
      // As p2panda: the other children are stacked in ascending order, so the highest of
      // them is the next one taken when this path ends.
      for (const other of others) queue.push(other);
      if (isMerge(lowest!)) {
        if (parentsVisited(lowest!)) queue.push(lowest!);
        break;
      }
      visit(lowest!);
      current = lowest!;
    }
  }
  return { sorted, tips: tips.sort() };
}
