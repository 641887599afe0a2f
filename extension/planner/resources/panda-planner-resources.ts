/**
 * `<panda-planner-resources>`: the chosen festival's resources — venues, things, skills —
 * with their kind, policy, capacity and place in words (a GPS position links to a public
 * map); create and edit through `<panda-resource-form>`, delete the person's own.
 */
import { html, nothing } from 'lit';
import type { PlannerResource } from '../../shared/planner-protocol.js';
import { counted } from '../../ui/format.js';
import { PlannerTab } from '../lib/planner-tab.js';
import { mapUrl } from '../../../widgets/resource/resource-data.js';

export class PandaPlannerResources extends PlannerTab {
  static override properties = { ...PlannerTab.properties, editing: { state: true } };

  /** The resource form: a new resource ('') or the id of one to edit. */
  declare private editing: string | undefined;

  override render() {
    const festival = this.festival;
    if (!festival) return html`<section class="card"><p class="muted">Choose a festival first.</p></section>`;
    return html`<section class="card" aria-labelledby="resources-heading">
      <div class="spread">
        <h2 id="resources-heading">Resources of ${festival.name ?? 'this festival'}</h2>
        <button class="primary" data-new-resource @click=${() => (this.editing = '')}>New resource</button>
      </div>
      ${
        this.editing !== undefined
          ? html`<div class="card" data-resource-form>
              <div class="spread">
                <h3>${this.editing ? 'Edit resource' : 'New resource'}</h3>
                <button data-close-form @click=${() => (this.editing = undefined)}>Close</button>
              </div>
              <panda-resource-form
                .provider=${this.provider}
                festival=${festival.id}
                resource=${this.editing}
                @panda-resource-published=${this.published}
              ></panda-resource-form>
            </div>`
          : nothing
      }
      ${
        festival.resources.length === 0
          ? html`<p class="muted">No resources yet: add the places, things and skills events can ask for.</p>`
          : html`<ul class="items">
              ${festival.resources.map((resource) => this.renderResource(resource))}
            </ul>`
      }
      ${this.feedback('resources')}
    </section>`;
  }

  private renderResource(resource: PlannerResource) {
    const { address, geo, position, url } = resource.location;
    const map = position ? mapUrl(position) : undefined;
    const depends = resource.dependsOn.map((id) => this.festival?.resources.find((item) => item.id === id)?.title ?? 'an unknown resource');
    return html`<li data-resource=${resource.id} data-title=${resource.title}>
      <div class="spread">
        <h3>${resource.title}</h3>
        <span class="badge">${resource.kind}</span>
      </div>
      ${resource.description ? html`<p>${resource.description}</p>` : nothing} ${address ? html`<p>${address}</p>` : nothing}
      ${geo ? html`<p>${map ? html`<a href=${map} target="_blank" rel="noopener noreferrer">Show on a map</a>` : nothing} <code>${geo}</code></p>` : nothing}
      ${url ? html`<p><a href=${url} target="_blank" rel="noopener noreferrer">${url}</a></p>` : nothing}
      <p class="muted">${resource.rule} · room for ${counted(resource.capacity, 'event')} at a time</p>
      ${depends.length > 0 ? html`<p class="muted">Needs ${depends.join(', ')} as well</p>` : nothing}
      <p class="muted">Looked after by ${this.nameOf(resource.owner)}</p>
      ${
        resource.mine
          ? html`<div class="row">
              <button data-edit-resource @click=${() => (this.editing = resource.id)}>Edit</button>
              <button
                class="danger"
                data-delete-resource
                ?disabled=${this.actions.isBusy(`delete:${resource.id}`)}
                @click=${() => this.deleteDocument(resource)}
              >
                Delete
              </button>
            </div>`
          : nothing
      }
    </li>`;
  }

  private published(): void {
    const words = this.editing ? 'Resource saved.' : 'Resource created.';
    this.editing = undefined;
    void this.noteAfterRefresh('resources', words);
  }

  private async deleteDocument(resource: PlannerResource): Promise<void> {
    if (!confirm(`Delete ${resource.title}? Events that asked for it lose it.`)) return;
    const done = await this.run('resources', `delete:${resource.id}`, (live) =>
      live.request('planner_publish', { type: 'resource', action: 'delete', documentId: resource.id }),
    );
    if (done) this.actions.note('resources', `Deleted ${resource.title}.`);
  }
}
