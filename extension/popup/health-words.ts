/**
 * How a festival's replication reads in the popup: in words a visitor understands ("In step
 * with 2 people", "12 entries still coming from 1 person", "On this device only: no
 * signaling server") rather than the figures behind them. A peer counts as a person: the
 * popup cannot tell two devices of one person apart. No DOM in here.
 */
import type { PopupFestivalView } from '../shared/popup-protocol.js';
import { counted } from '../ui/format.js';

const people = (count: number) => counted(count, 'person', 'people');

export function healthWords(festival: Pick<PopupFestivalView, 'peers' | 'missing' | 'servers' | 'known'>): string {
  if (festival.peers > 0) {
    const state =
      festival.missing > 0
        ? `${counted(festival.missing, 'entry', 'entries')} still coming from ${people(festival.peers)}`
        : `In step with ${people(festival.peers)}`;
    // Neighbours versus known peers: entries reach the others through the neighbours.
    return festival.known > 0 ? `${state}; ${festival.known} more reachable through them` : state;
  }
  if (festival.servers === 0) return 'On this device only: no signaling server';
  return 'Nobody else is online with it right now';
}

/** The popup's line for all festivals together. */
export const onlineWords = (peers: number) => (peers === 0 ? 'Not connected to anyone right now' : `Online with ${people(peers)}`);
