import { css } from 'lit';

/**
 * The panel of an opened event, on the stage (./schedule.styles.ts) that lays it and the
 * day's events in one grid cell: the panel at its end and sticky to the top of the screen,
 * so that it stays in view over a long list and moves nothing. Modal (a phone), a sheet
 * from the bottom of the screen. Either way its own content scrolls, the close button kept
 * at its foot. Adopted with the details' chunk (./lazy.ts), after the element's own sheets.
 */
export const detailsStyles = css`
  .details {
    position: sticky;
    inset: 0.5rem auto auto;
    z-index: 6;
    align-self: start;
    justify-self: end;
    width: min(26rem, 100%);
    max-height: min(var(--panda-schedule-max-height, 80vh), calc(100vh - 1rem));
    margin: 0.5rem 0 0;
    padding: 0.75rem 1rem 0;
    overflow: auto;
    overscroll-behavior: contain;
    color: inherit;
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    box-shadow: 0 0.5rem 1.5rem rgb(0 0 0 / 0.25);
    overflow-wrap: break-word;
  }
  .details:modal {
    position: fixed;
    inset: auto 0 0;
    width: 100%;
    max-width: 100%;
    max-height: 90vh;
    max-height: 90dvh;
    margin: 0;
    border-radius: var(--_radius) var(--_radius) 0 0;
  }
  .details::backdrop {
    background: rgb(0 0 0 / 0.5);
  }
  .details h3 {
    margin-top: 0;
  }
  .details p {
    margin: 0.3rem 0;
  }
  .actions {
    position: sticky;
    bottom: 0;
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    justify-content: end;
    margin-top: 0.5rem;
    padding: 0.5rem 0 0.75rem;
    background: var(--_surface);
  }
`;
