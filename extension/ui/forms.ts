/** Reading a submitted form: the page handles it itself, so the browser's submission is stopped. */

export interface SubmittedForm {
  form: HTMLFormElement;
  /** The text of field `name` ('' when missing). */
  text(name: string): string;
  /** The file chosen in file input `name`, if any. */
  file(name: string): File | undefined;
}

export function submittedForm(event: SubmitEvent): SubmittedForm {
  event.preventDefault();
  const form = event.target as HTMLFormElement;
  const data = new FormData(form);
  return {
    form,
    text: (name) => {
      const value = data.get(name);
      return typeof value === 'string' ? value : '';
    },
    file: (name) => {
      const value = data.get(name);
      return value instanceof File && value.name !== '' ? value : undefined;
    },
  };
}
