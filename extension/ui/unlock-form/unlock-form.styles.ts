import { css } from 'lit';

export const unlockFormStyles = css`
  :host {
    display: block;
  }

  form {
    display: grid;
    gap: 0.5rem;
  }

  p {
    margin: 0;
  }
`;
