/**
 * Bamboo's lipmaa function: the sequence number an entry's skiplink points to. Following
 * skiplinks reaches any earlier entry in O(log n) steps, which keeps certificate pools small.
 * lipmaa(1..13) = 0, 1, 2, 1, 4, 5, 6, 4, 8, 9, 10, 8, 4.
 */
export function lipmaa(n: bigint): bigint {
  let m = 1n;
  let po3 = 3n;
  // Find k such that (3^k - 1) / 2 >= n.
  while (m < n) {
    po3 *= 3n;
    m = (po3 - 1n) / 2n;
  }
  po3 /= 3n;
  if (m !== n) {
    // Find the longest jump back that stays on the tree of "perfect" positions.
    let u = n;
    while (u !== 0n) {
      m = (po3 - 1n) / 2n;
      po3 /= 3n;
      u %= m;
    }
    if (m !== po3) po3 = m;
  }
  return n - po3;
}

/** Whether an entry at `seqNum` carries a skiplink (besides its backlink). */
export function isSkiplinkRequired(seqNum: bigint): boolean {
  return seqNum > 1n && lipmaa(seqNum) !== seqNum - 1n;
}
