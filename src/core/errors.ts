/** Thrown for anything a user typed wrong; the CLI prints its message as one line. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}
