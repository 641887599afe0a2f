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
 * children; a merge node (several previous) is walked when all its parents are; when a
 * path ends, the most recently stacked node continues. One deliberate difference: p2panda
 * may visit a node twice when it was stacked as a sibling and reached again as a merge;
 * here a node is applied once, at its first visit.
 *
 * Nodes whose previous operations are not all known are left out (with everything after
 * them): they join once the missing operations arrive.
 */
export function sortGraph(root: Hash, nodes: Iterable<GraphNode>): SortedGraph {
  const byId = new Map<Hash, GraphNode>();
  for (const node of nodes) byId.set(node.id, node);
  if (!byId.has(root)) throw new PandaError('DOCUMENT_UNKNOWN', `The document's create operation ${root} is not known`);

  const children = new Map<Hash, Hash[]>();
  const parentCount = new Map<Hash, number>();
  for (const node of byId.values()) {
    if (node.id === root || !node.previous || node.previous.length === 0) continue;
    if (!node.previous.every((id) => byId.has(id))) continue;
    parentCount.set(node.id, node.previous.length);
    for (const parent of node.previous) {
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
