import { css } from 'lit';

export const approvalStyles = css`
  :host {
    display: block;
    max-width: 32rem;
    margin: 0 auto;
    padding: 1rem;
  }

  h1 {
    margin: 0 0 0.8rem;
    font-size: 1.1rem;
  }

  p {
    margin: 0.6rem 0;
  }
`;
