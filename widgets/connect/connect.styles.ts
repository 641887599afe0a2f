import { css } from 'lit';

export const connectStyles = css`
  :host {
    display: inline-block;
    background: transparent;
  }
  p {
    margin: 0;
  }
  .identity {
    display: inline-flex;
    align-items: center;
    gap: 0.5rem;
  }
  .badge {
    display: inline-grid;
    place-items: center;
    width: 2rem;
    height: 2rem;
    border-radius: 50%;
    font-weight: 700;
    font-size: 0.8rem;
    color: #fff;
    background: hsl(var(--hue, 210) 55% 28%);
  }
`;
