/**
 * The demo festival, made through the public API as any peer would: "Hoffnung 3000", three
 * days in Berlin (Europe/Berlin), with a nested children's programme; places of several
 * owners with addresses and positions, a projector, a PA system and a skill; 28
 * events; and the owners' decisions on the requests: confirmed, denied, some still pending,
 * one lost to an earlier request. Every owner and participant is a key pair of its own, as
 * bots are.
 *
 * `npm start` seeds it into the demo's Node peer once (scripts/start.ts); tests seed it into
 * any store.
 */
import { KeyPair, type Decision, type FestivalNode, type Hash } from '../core/index.js';
import { addDays, dayKey, parseDayKey, wallTimeToEpoch } from '../widgets/lib/time.js';

export const DEMO_TIMEZONE = 'Europe/Berlin';
export const DEMO_FESTIVAL_NAME = 'Hoffnung 3000';

export interface DemoFestival {
  festivalId: Hash;
  /** The children's programme, nested in the festival. */
  kidsFestivalId: Hash;
  /** The resources by their title. */
  resources: Record<string, Hash>;
  /** The events' titles, in the order they were made. */
  events: string[];
  /** The festival's first day (YYYY-MM-DD in Europe/Berlin). */
  firstDay: string;
}

export interface SeedOptions {
  /** The first day, YYYY-MM-DD (default: today in Berlin, so that "now" falls within the festival). */
  firstDay?: string;
}

interface ResourceSpec {
  owner: keyof typeof OWNERS;
  title: string;
  description: string;
  kind: string;
  policy: 'manual' | 'first-come-first-served';
  capacity?: number;
  address?: string;
  /** geo URI. */
  position?: string;
  url?: string;
}

/** Who owns what: the collective that runs the festival, venues, a tech group, a printer. */
const OWNERS = {
  collective: { name: 'Kollektiv Hoffnung', description: 'Organises Hoffnung 3000; everyone is welcome to add to the programme.' },
  keller: { name: 'Klangkeller e.V.', description: 'A cellar club in Neukölln and its courtyard.' },
  garten: { name: 'Gemeinschaftsgarten Prinzessin', description: 'A community garden that opens its lawn and kitchen.' },
  werkstatt: { name: 'Offene Werkstatt Weserstraße', description: 'Tools, workbenches and people who know how to use them.' },
  technik: { name: 'Technik-AG', description: 'Lends out the projector and the PA system.' },
  mira: { name: 'Mira', description: 'Screen printer; teaches anyone who asks.' },
} as const;

const PARTICIPANTS = ['Aylin', 'Bruno', 'Chiara', 'Deniz', 'Emil', 'Frida'] as const;

const RESOURCES: ResourceSpec[] = [
  {
    owner: 'keller',
    title: 'Klangkeller',
    description: 'Cellar stage for concerts and parties, 120 people. Step-free access through the courtyard.',
    kind: 'location',
    policy: 'manual',
    address: 'Weserstraße 58, 12045 Berlin',
    position: 'geo:52.4869,13.4312',
    url: 'https://klangkeller.example.org/',
  },
  {
    owner: 'keller',
    title: 'Hof',
    description: 'The courtyard: benches, a small stage, fairy lights.',
    kind: 'location',
    policy: 'first-come-first-served',
    address: 'Weserstraße 58, 12045 Berlin (courtyard)',
    position: 'geo:52.48695,13.43135',
  },
  {
    owner: 'garten',
    title: 'Gemeinschaftsgarten',
    description: 'Lawn, fire pit and an outdoor kitchen. Bring something to share.',
    kind: 'location',
    policy: 'manual',
    capacity: 2,
    address: 'Prinzenstraße 35, 10969 Berlin',
    position: 'geo:52.5031,13.4103',
    url: 'https://garten.example.org/',
  },
  {
    owner: 'werkstatt',
    title: 'Werkstatt',
    description: 'Workshop with workbenches, a screen printing table and a soldering corner.',
    kind: 'location',
    policy: 'first-come-first-served',
    address: 'Weserstraße 12, 12047 Berlin',
    position: 'geo:52.4912,13.4253',
  },
  { owner: 'technik', title: 'Beamer', description: 'Full-HD projector with HDMI, and a 3 m screen.', kind: 'thing', policy: 'manual' },
  { owner: 'technik', title: 'PA-Anlage', description: 'Two tops, a sub and an 8-channel mixer, for up to 150 people.', kind: 'thing', policy: 'manual' },
  { owner: 'mira', title: 'Siebdruck-Anleitung', description: 'Mira shows how to print your own shirts and posters.', kind: 'skill', policy: 'manual' },
];

interface EventSpec {
  title: string;
  description: string;
  by: (typeof PARTICIPANTS)[number] | 'collective';
  /** 0, 1 or 2. */
  day: number;
  /** Wall time in Berlin, "HH:MM"; an end before the start is on the next day. */
  from: string;
  to: string;
  resources: string[];
  kids?: boolean;
  /** The owners' decisions per resource title; a manual resource without one stays pending. */
  decisions?: Record<string, Decision>;
}

const EVENTS: EventSpec[] = [
  // The first day
  {
    title: 'Opening: welcome to Hoffnung 3000',
    description: 'How the festival works, who is here, and how to add your own event.',
    by: 'collective',
    day: 0,
    from: '16:00',
    to: '17:00',
    resources: ['Hof', 'PA-Anlage'],
    decisions: { 'PA-Anlage': 'confirm' },
  },
  {
    title: 'Soup for everyone',
    description: 'We cook together from what the garden gives.',
    by: 'Aylin',
    day: 0,
    from: '17:30',
    to: '19:00',
    resources: ['Gemeinschaftsgarten'],
    decisions: { Gemeinschaftsgarten: 'confirm' },
  },
  {
    title: 'Lightning talks: ideas for the Kiez',
    description: 'Five minutes each. Sign up at the info point.',
    by: 'Bruno',
    day: 0,
    from: '19:00',
    to: '20:30',
    resources: ['Klangkeller', 'Beamer'],
    decisions: { Klangkeller: 'confirm', Beamer: 'confirm' },
  },
  {
    title: 'Cumbia Colectiva (live)',
    description: 'Ten musicians, one cellar.',
    by: 'Chiara',
    day: 0,
    from: '21:00',
    to: '23:00',
    resources: ['Klangkeller', 'PA-Anlage'],
    decisions: { Klangkeller: 'confirm', 'PA-Anlage': 'confirm' },
  },
  {
    title: 'Night of chaos',
    description: 'DJs until the morning. Earplugs at the bar.',
    by: 'Deniz',
    day: 0,
    from: '23:00',
    to: '04:00',
    resources: ['Klangkeller'],
    decisions: { Klangkeller: 'confirm' },
  },
  {
    title: 'Fire pit stories',
    description: 'Bring a story, or just listen.',
    by: 'Frida',
    day: 0,
    from: '20:00',
    to: '22:00',
    resources: ['Gemeinschaftsgarten'],
  },
  {
    title: 'Bike repair café',
    description: 'Fix your bike with help and spare parts.',
    by: 'Emil',
    day: 0,
    from: '14:00',
    to: '17:00',
    resources: ['Werkstatt'],
  },
  // The second day
  {
    title: 'Yoga on the lawn',
    description: 'Gentle, for everyone. Mats provided.',
    by: 'Frida',
    day: 1,
    from: '09:30',
    to: '10:30',
    resources: ['Gemeinschaftsgarten'],
    decisions: { Gemeinschaftsgarten: 'confirm' },
  },
  {
    title: 'Screen printing workshop',
    description: 'Print the festival logo on whatever you bring.',
    by: 'Aylin',
    day: 1,
    from: '11:00',
    to: '13:00',
    resources: ['Werkstatt', 'Siebdruck-Anleitung'],
    decisions: { 'Siebdruck-Anleitung': 'confirm' },
  },
  {
    title: 'Soldering for beginners',
    description: 'Build a blinking badge; no experience needed.',
    by: 'Emil',
    day: 1,
    from: '14:00',
    to: '16:00',
    resources: ['Werkstatt'],
  },
  {
    title: 'Garden tour',
    description: 'What grows where, and how the garden is organised.',
    by: 'Bruno',
    day: 1,
    from: '11:30',
    to: '12:30',
    resources: ['Gemeinschaftsgarten'],
    decisions: { Gemeinschaftsgarten: 'confirm' },
  },
  {
    title: 'Open mic',
    description: 'Poems, songs, rants: the stage is yours for ten minutes.',
    by: 'Chiara',
    day: 1,
    from: '14:00',
    to: '16:00',
    resources: ['Hof', 'PA-Anlage'],
    decisions: { 'PA-Anlage': 'confirm' },
  },
  {
    title: 'Film: Die Stadt gehört allen',
    description: 'Documentary about self-organised spaces, then a talk.',
    by: 'Deniz',
    day: 1,
    from: '16:30',
    to: '18:30',
    resources: ['Klangkeller', 'Beamer'],
    decisions: { Klangkeller: 'confirm', Beamer: 'confirm' },
  },
  {
    title: 'Plenum: the next festival',
    description: 'Where, when, who: decided together.',
    by: 'collective',
    day: 1,
    from: '18:30',
    to: '19:30',
    resources: ['Hof'],
  },
  {
    title: 'Band contest',
    description: 'Three bands, a jury of children.',
    by: 'Bruno',
    day: 1,
    from: '20:00',
    to: '23:00',
    resources: ['Klangkeller', 'PA-Anlage'],
    decisions: { Klangkeller: 'deny' },
  },
  {
    title: 'Techno im Keller',
    description: 'Local DJs, all night.',
    by: 'Emil',
    day: 1,
    from: '22:00',
    to: '05:00',
    resources: ['Klangkeller'],
    decisions: { Klangkeller: 'confirm' },
  },
  { title: 'Karaoke under the stars', description: 'The courtyard sings.', by: 'Aylin', day: 1, from: '20:00', to: '22:30', resources: ['Hof', 'Beamer'] },
  // The third day
  {
    title: 'Breakfast together',
    description: 'Everyone brings something.',
    by: 'Frida',
    day: 2,
    from: '10:00',
    to: '12:00',
    resources: ['Gemeinschaftsgarten'],
    decisions: { Gemeinschaftsgarten: 'confirm' },
  },
  { title: 'Zine making', description: 'Paper, scissors, glue and a copier.', by: 'Chiara', day: 2, from: '14:30', to: '16:30', resources: ['Werkstatt'] },
  {
    title: 'Second screen printing round',
    description: 'For everyone who missed Saturday.',
    by: 'Deniz',
    day: 2,
    from: '12:30',
    to: '14:00',
    resources: ['Werkstatt', 'Siebdruck-Anleitung'],
    decisions: { 'Siebdruck-Anleitung': 'deny' },
  },
  {
    title: 'Jam session',
    description: 'Instruments welcome, amplifiers provided.',
    by: 'Emil',
    day: 2,
    from: '14:00',
    to: '16:00',
    resources: ['Hof', 'PA-Anlage'],
  },
  {
    title: 'Talk: peer-to-peer planning with p2panda',
    description: 'How this festival was planned without a server.',
    by: 'Bruno',
    day: 2,
    from: '15:00',
    to: '16:00',
    resources: ['Klangkeller', 'Beamer'],
    decisions: { Klangkeller: 'confirm', Beamer: 'confirm' },
  },
  {
    title: 'Closing circle',
    description: 'Thanks, feedback, and cleaning up together.',
    by: 'collective',
    day: 2,
    from: '17:00',
    to: '18:00',
    resources: ['Hof'],
  },
  { title: 'Walk through the Kiez', description: 'Meet at the garden gate.', by: 'Aylin', day: 2, from: '16:00', to: '17:30', resources: [] },
  // Children's programme (nested festival)
  { title: 'Puppet theatre', description: 'Kasper and the lost bicycle.', by: 'Frida', day: 1, from: '10:30', to: '11:15', resources: ['Hof'], kids: true },
  {
    title: 'Kids’ disco',
    description: 'Dancing from 4 to 99.',
    by: 'Chiara',
    day: 1,
    from: '15:00',
    to: '16:30',
    resources: ['Gemeinschaftsgarten'],
    kids: true,
    decisions: { Gemeinschaftsgarten: 'confirm' },
  },
  {
    title: 'Build a birdhouse',
    description: 'With real tools and grown-ups who help.',
    by: 'Emil',
    day: 2,
    from: '10:30',
    to: '12:00',
    resources: ['Werkstatt'],
    kids: true,
  },
  // Lost to an earlier request: the Werkstatt holds one event at a time.
  { title: 'Sewing repair corner', description: 'Bring clothes with holes.', by: 'Deniz', day: 1, from: '12:00', to: '14:00', resources: ['Werkstatt'] },
];

/** Unix seconds of a wall time on festival day `day`. */
function at(firstDay: string, day: number, clock: string): number {
  const [hour, minute] = clock.split(':').map(Number) as [number, number];
  return wallTimeToEpoch({ ...parseDayKey(addDays(firstDay, day)), hour, minute, second: 0 }, DEMO_TIMEZONE) / 1000;
}

/** Writes the demo festival through `node`. */
export async function seedDemoFestival(node: FestivalNode, options: SeedOptions = {}): Promise<DemoFestival> {
  const firstDay = options.firstDay ?? dayKey(Date.now(), DEMO_TIMEZONE);
  const owners = Object.fromEntries(Object.keys(OWNERS).map((name) => [name, new KeyPair()])) as Record<keyof typeof OWNERS, KeyPair>;
  const participants = Object.fromEntries(PARTICIPANTS.map((name) => [name, new KeyPair()])) as Record<(typeof PARTICIPANTS)[number], KeyPair>;
  for (const [name, profile] of Object.entries(OWNERS)) await node.createProfile(owners[name as keyof typeof OWNERS], profile);
  for (const name of PARTICIPANTS) await node.createProfile(participants[name], { name, description: '' });

  const festivalId = (
    await node.createFestival(owners.collective, {
      name: DEMO_FESTIVAL_NAME,
      description:
        'Three days of concerts, workshops, films and food in Neukölln, planned by everyone taking part: add your own event, lend your place or your skills.',
      start: at(firstDay, 0, '14:00'),
      end: at(firstDay, 2, '22:00'),
      timezone: DEMO_TIMEZONE,
    })
  ).documentId;
  const kidsFestivalId = (
    await node.createFestival(owners.collective, {
      name: 'Kinderprogramm',
      description: 'For the little ones, with their grown-ups.',
      start: at(firstDay, 1, '10:00'),
      end: at(firstDay, 2, '13:00'),
      timezone: DEMO_TIMEZONE,
      parent: festivalId,
    })
  ).documentId;

  const resources: Record<string, Hash> = {};
  const ownerOf: Record<string, KeyPair> = {};
  for (const { owner, ...fields } of RESOURCES) {
    resources[fields.title] = (await node.createResource(owners[owner], { festival: festivalId, ...fields })).documentId;
    ownerOf[fields.title] = owners[owner];
  }

  // Requests are made in schedule order, a minute apart: first come, first served.
  const createdAt = Math.floor(Date.now() / 1000) - EVENTS.length * 60;
  const events: string[] = [];
  for (const [index, spec] of EVENTS.entries()) {
    const author = spec.by === 'collective' ? owners.collective : participants[spec.by];
    const event = await node.createEvent(author, {
      festival: spec.kids ? kidsFestivalId : festivalId,
      title: spec.title,
      description: spec.description,
      start: at(firstDay, spec.day, spec.from),
      end: at(firstDay, spec.to <= spec.from ? spec.day + 1 : spec.day, spec.to),
      resources: spec.resources.map((title) => resources[title]!),
      createdAt: createdAt + index * 60,
    });
    events.push(spec.title);
    for (const [title, decision] of Object.entries(spec.decisions ?? {})) {
      await node.authorize(ownerOf[title]!, resources[title]!, event.documentId, decision, decision === 'deny' ? 'Sorry, that does not fit this time.' : '');
    }
  }
  return { festivalId, kidsFestivalId, resources, events, firstDay };
}
