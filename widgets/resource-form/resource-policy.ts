/**
 * Who decides on requests for a resource, in `<panda-resource-form>`: first come first
 * served, the owner by hand, or a quorum of members (picked from the people known here or
 * pasted as keys) of which so many must agree.
 */
import { html, nothing } from 'lit';
import { shortKey } from '../shared/dom.js';
import { field } from '../shared/form-parts.js';
import type { Person } from './resource-choices.js';
import { allMembers, POLICIES } from './resource-logic.js';
import { resourceField, textInput, type ResourceForm } from './resource-form-parts.js';

const POLICY_KEYS = { 'first-come-first-served': 'rf.policy.fcfs', manual: 'rf.policy.manual', quorum: 'rf.policy.quorum' } as const;

export function resourcePolicy(form: ResourceForm, people: readonly Person[]) {
  const { values, t } = form;
  return html`<fieldset class="group" data-policy>
    <legend>${t('rf.policy')}</legend>
    ${POLICIES.map(
      (policy) =>
        html`<label class="choice"
          ><input type="radio" name="policy" value=${policy} .checked=${values.policy === policy} @change=${() => form.set({ policy })} />
          ${t(POLICY_KEYS[policy])}</label
        >`,
    )}
    ${values.policy === 'quorum' ? quorum(form, people) : nothing}
  </fieldset>`;
}

/** The members of the quorum and how many of them must agree. */
function quorum(form: ResourceForm, people: readonly Person[]) {
  const { values, errors, t } = form;
  const members = allMembers(values);
  return html`<fieldset class="members" aria-describedby="members-error">
      <legend>${t('rf.members')}</legend>
      ${
        people.length === 0
          ? html`<p class="muted">${t('rf.noPeople')}</p>`
          : people.map(
              (person) =>
                html`<label class="choice"
                  ><input
                    type="checkbox"
                    name="members"
                    value=${person.publicKey}
                    .checked=${values.members.includes(person.publicKey)}
                    @change=${(event: Event) => form.toggle('members', person.publicKey, (event.target as HTMLInputElement).checked)}
                  />
                  ${person.name} <span class="muted key" title=${person.publicKey}>${shortKey(person.publicKey)}</span></label
                >`,
            )
      }
      ${field(
        { id: 'memberKeys', label: t('rf.memberKeys'), error: errors.members, t, name: 'members' },
        html`<textarea
          id="memberKeys"
          name="memberKeys"
          rows="3"
          class="key"
          spellcheck="false"
          aria-invalid=${errors.members ? 'true' : 'false'}
          aria-describedby="memberKeys-error"
          .value=${values.memberKeys}
          @input=${(event: Event) => form.set({ memberKeys: (event.target as HTMLTextAreaElement).value })}
        ></textarea>`,
      )}
    </fieldset>
    ${resourceField(
      form,
      'quorum',
      t('rf.quorum'),
      html`<span class="inline"
        >${textInput(form, 'quorum', { error: 'quorum', type: 'number', inputmode: 'numeric' })}
        <span class="muted">${t('rf.quorumOf', { count: members.length })}</span></span
      >`,
    )}`;
}
