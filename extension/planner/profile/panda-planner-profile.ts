/**
 * `<panda-planner-profile>`: the person's profile — name, description, avatar URL — signed as a
 * panda_profile document, so that every view shows their name instead of their key.
 */
import { html, nothing } from 'lit';
import { submittedForm } from '../../ui/forms.js';
import { shortKey } from '../../ui/format.js';
import { PlannerTab } from '../lib/planner-tab.js';

const MAX_NAME = 100;

/** What the model requires of a profile, checked before anything is signed. */
export function profileErrors(values: { name: string; avatar: string }): Partial<Record<'name' | 'avatar', string>> {
  const errors: Partial<Record<'name' | 'avatar', string>> = {};
  if (values.name.trim() === '') errors.name = 'Give a name: others see it instead of your key.';
  else if (values.name.length > MAX_NAME) errors.name = `A name has at most ${MAX_NAME} characters.`;
  if (values.avatar !== '' && (!URL.canParse(values.avatar) || !['http:', 'https:'].includes(new URL(values.avatar).protocol))) {
    errors.avatar = 'The avatar is an http:// or https:// address.';
  }
  return errors;
}

export class PandaPlannerProfile extends PlannerTab {
  static override properties = { ...PlannerTab.properties, errors: { state: true } };

  declare private errors: Partial<Record<'name' | 'avatar', string>>;

  constructor() {
    super();
    this.errors = {};
  }

  override render() {
    const state = this.state;
    if (!state?.me) return nothing;
    const profile = state.profile;
    const field = (name: 'name' | 'avatar') =>
      this.errors[name] ? html`<span class="field-error" id=${`${name}-error`} role="alert">${this.errors[name]}</span>` : nothing;
    return html`<section class="card" aria-labelledby="profile-heading">
      <h2 id="profile-heading">Your profile</h2>
      <p class="muted">
        Signed as <strong>${state.me.name}</strong> <span class="key" title=${state.me.publicKey}>${shortKey(state.me.publicKey)}</span>. Everyone in your
        festivals sees this profile; it is public.
      </p>
      <form data-profile @submit=${this.save} novalidate>
        <label
          >Name
          <input
            name="name"
            maxlength=${MAX_NAME}
            autocomplete="nickname"
            .value=${profile?.name ?? ''}
            aria-invalid=${this.errors.name ? 'true' : 'false'}
            aria-describedby="name-error"
          />
          ${field('name')}
        </label>
        <label
          >About you or your group
          <textarea name="description" .value=${profile?.description ?? ''}></textarea>
        </label>
        <label
          >Avatar image address
          <input
            name="avatar"
            type="url"
            placeholder="https://…"
            .value=${profile?.avatar ?? ''}
            aria-invalid=${this.errors.avatar ? 'true' : 'false'}
            aria-describedby="avatar-error"
          />
          ${field('avatar')}
        </label>
        <button class="primary" type="submit" ?disabled=${this.actions.isBusy('profile')}>${profile ? 'Save profile' : 'Create profile'}</button>
      </form>
      ${this.feedback('profile')}
    </section>`;
  }

  private async save(event: SubmitEvent): Promise<void> {
    const submitted = submittedForm(event);
    const values = { name: submitted.text('name').trim(), description: submitted.text('description').trim(), avatar: submitted.text('avatar').trim() };
    this.errors = profileErrors(values);
    if (Object.keys(this.errors).length > 0) return;
    const profile = this.state?.profile;
    const done = await this.run('profile', 'profile', (live) =>
      live.request(
        'planner_publish',
        profile ? { type: 'profile', action: 'update', documentId: profile.id, fields: values } : { type: 'profile', fields: values },
      ),
    );
    if (done) this.actions.note('profile', 'Profile saved. Your name shows instead of your key.');
  }
}
