/**
 * When a resource has room: the time between its confirmed bookings, cut where one starts or
 * ends, with how many more events could hold it (its capacity less the bookings overlapping).
 * Pure; FestivalModel.freeSlots picks the bookings and the span.
 */

export interface Slot {
  start: number;
  end: number;
  /** How many more events could hold the resource during this slot. */
  available: number;
}

/** The maximal slots within [start, end) where fewer than `capacity` of `held` overlap; neighbours with the same room are one slot. */
export function freeSlots(capacity: number, start: number, end: number, held: ReadonlyArray<{ start: number; end: number }>): Slot[] {
  const cuts = new Set([start, end]);
  for (const event of held) {
    if (event.start > start && event.start < end) cuts.add(event.start);
    if (event.end > start && event.end < end) cuts.add(event.end);
  }
  const points = [...cuts].sort((a, b) => a - b);
  const slots: Slot[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const [slotStart, slotEnd] = [points[i]!, points[i + 1]!];
    const used = held.filter((event) => event.start < slotEnd && event.end > slotStart).length;
    const available = capacity - used;
    if (available <= 0) continue;
    const last = slots.at(-1);
    if (last && last.end === slotStart && last.available === available) last.end = slotEnd;
    else slots.push({ start: slotStart, end: slotEnd, available });
  }
  return slots;
}
