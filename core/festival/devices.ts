/**
 * A user's further devices, as their profile's `devices` lists them: linking one (after
 * pairing, core/identity/pairing.ts), unlinking one, listing them, and the users a key acts
 * for. The `panda devices` command and the extension's popup both sign through these, so a
 * link made in either is the same profile update.
 *
 * Linking signs an update of the user's profile that adds the device (or creates the
 * profile, listing it, where the user has none yet); unlinking signs one without it. A user
 * has one profile, which travels to every festival they write in, so one update reaches all
 * of them. Unlinking withdraws everything the device signed as the user, earlier decisions
 * included (FestivalModel.actsFor says why).
 */
import { PandaError } from '../errors.js';
import type { Hash } from '../hash/hash.js';
import type { KeyPair } from '../identity/key-pair.js';
import { deviceFingerprint } from '../identity/pairing.js';
import type { FestivalModel, PendingRequest } from './festival-model.js';
import type { FestivalNode } from './festival-node.js';
import type { Profile } from './model.js';

/** A device a user's profile lists. */
export interface LinkedDevice {
  publicKey: string;
  /** What both devices show while pairing (deviceFingerprint). */
  fingerprint: string;
  /** The device key's own profile name, where it made one. */
  name?: string;
}

export interface DeviceChange {
  /** The user's profile, created by linking where there was none. */
  profileId: Hash;
  /** false when linking a device the profile listed already: nothing was signed. */
  changed: boolean;
}

const isPublicKey = (value: unknown): value is string => typeof value === 'string' && /^[0-9a-f]{64}$/.test(value);

/**
 * Signs `user`'s profile update listing `device`. Without a profile, one is created with
 * `name` (INPUT_INVALID when there is none to give: the name is what people see). Refuses
 * a key that is no public key (KEY_INVALID) and the user's own (PAIRING_SELF).
 */
export async function linkDevice(node: FestivalNode, user: KeyPair, device: string, options: { name?: string } = {}): Promise<DeviceChange> {
  if (!isPublicKey(device)) throw new PandaError('KEY_INVALID', 'A device to link is a public key (64 hex characters)');
  const self = user.publicKey();
  if (device === self) throw new PandaError('PAIRING_SELF', 'A device cannot be linked to its own key');
  const profile = (await node.model()).profileOf(self);
  if (profile?.devices.includes(device)) return { profileId: profile.id, changed: false };
  if (profile) {
    await node.update(user, profile.id, { devices: [...profile.devices, device].join(' ') });
    return { profileId: profile.id, changed: true };
  }
  const name = options.name?.trim();
  if (!name) throw new PandaError('INPUT_INVALID', 'This user has no profile yet: give the name people are to see for them');
  const created = await node.createProfile(user, { name, devices: [device] });
  return { profileId: created.documentId, changed: true };
}

/** Signs `user`'s profile update without `device`; DEVICE_NOT_LINKED when the profile does not list it (or there is none). */
export async function unlinkDevice(node: FestivalNode, user: KeyPair, device: string): Promise<DeviceChange> {
  const profile = (await node.model()).profileOf(user.publicKey());
  if (!profile?.devices.includes(device)) throw new PandaError('DEVICE_NOT_LINKED', 'This device is not linked to this user', { device });
  await node.update(user, profile.id, { devices: profile.devices.filter((other) => other !== device).join(' ') });
  return { profileId: profile.id, changed: true };
}

/** The devices `user`'s profile lists, in its order, with fingerprints and their own profile names. */
export function linkedDevices(model: FestivalModel, user: string): LinkedDevice[] {
  return (model.profileOf(user)?.devices ?? []).map((publicKey) => {
    const name = model.profileOf(publicKey)?.name;
    return { publicKey, fingerprint: deviceFingerprint(publicKey), ...(name ? { name } : {}) };
  });
}

/**
 * The profile of the user whose device `key` is (the first by id whose profile lists it), or
 * undefined when it is nobody's device. Unlike `personOf`, a device with a profile of its
 * own (it named itself before it was linked) is still found.
 */
export function deviceOwnerProfile(model: FestivalModel, key: string): Profile | undefined {
  let found: Profile | undefined;
  for (const profile of model.profiles.values()) {
    if (profile.owner === key || !profile.devices.includes(key) || model.profileOf(profile.owner) !== profile) continue;
    if (!found || profile.id < found.id) found = profile;
  }
  return found;
}

/** The users `key` acts as: itself, and the user whose device it is (if it is one). */
export function usersActedFor(model: FestivalModel, key: string): string[] {
  const owner = deviceOwnerProfile(model, key)?.owner;
  return owner ? [key, owner] : [key];
}

/**
 * The requests waiting for a decision `key` may make: its own user's, and those of the user
 * whose device it is (its decision counts as theirs), each request once.
 */
export function pendingActedFor(model: FestivalModel, key: string): PendingRequest[] {
  const seen = new Set<string>();
  const result: PendingRequest[] = [];
  for (const user of usersActedFor(model, key)) {
    for (const request of model.pendingFor(user)) {
      const id = `${request.resource.id} ${request.event.id}`;
      if (seen.has(id)) continue;
      seen.add(id);
      result.push(request);
    }
  }
  return result;
}
