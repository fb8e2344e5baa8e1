/**
 * A one-line progress indicator on stderr: redrawn in place on a terminal, and a plain line every
 * 10 % otherwise (CI logs, pipes), so logs stay short.
 */
export interface Progress {
  update(done: number): void;
  finish(): void;
}

export function progressBar(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  const started = performance.now();
  const width = 30;
  let lastDecile = -1;
  let lastDraw = 0;
  const line = (done: number): string => {
    const fraction = total > 0 ? Math.min(1, done / total) : 1;
    const filled = Math.round(fraction * width);
    const seconds = (performance.now() - started) / 1000;
    const rate = seconds > 0 ? Math.round(done / seconds) : 0;
    return `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ${done}/${total} (${rate.toLocaleString('en-US')}/s)`;
  };
  return {
    update(done: number): void {
      if (stream.isTTY) {
        const now = performance.now();
        if (now - lastDraw < 100 && done < total) return;
        lastDraw = now;
        stream.write(`\r${line(done)}`);
        return;
      }
      const decile = total > 0 ? Math.floor((done / total) * 10) : 10;
      if (decile > lastDecile) {
        lastDecile = decile;
        stream.write(`${line(done)}\n`);
      }
    },
    finish(): void {
      if (stream.isTTY) stream.write('\n');
    },
  };
}
