/**
 * The one line that says what the bench is doing. On a terminal it is rewritten in place
 * (`\r`); otherwise (CI, tests) each new step is printed once and in-step updates are skipped.
 */
export class ProgressLine {
  private readonly tty: boolean;
  private step = '';
  private width = 0;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {
    this.tty = Boolean(stream.isTTY);
  }

  /** Starts a new step, e.g. `W2 1×64 · acton-ts`. */
  begin(step: string): void {
    this.step = step;
    if (this.tty) this.draw(`${step} …`);
    else this.stream.write(`${step} …\n`);
  }

  /** Updates the current step's detail, e.g. `12345 calls` (terminal only). */
  update(detail: string): void {
    if (this.tty) this.draw(`${this.step} … ${detail}`);
  }

  /** Clears the line (before printing the report). */
  clear(): void {
    if (this.tty && this.width > 0) this.stream.write(`\r${' '.repeat(this.width)}\r`);
    this.width = 0;
  }

  private draw(text: string): void {
    const line = text.length > 110 ? `${text.slice(0, 109)}…` : text;
    this.stream.write(`\r${line.padEnd(this.width)}`);
    this.width = line.length;
  }
}
