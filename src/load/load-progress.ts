/**
 * The progress of a load run on stderr: a cli-progress bar redrawn in place when stderr is a
 * terminal, otherwise one line every {@link LINE_EVERY_MS} (logs and CI keep it readable).
 * It shows elapsed/total, open streams, messages both ways and ends so far.
 */
import type { Writable } from 'node:stream';
import cliProgress from 'cli-progress';
import type { LoadProgress } from './run-load.ts';

/** Between two progress lines when stderr is not a terminal, ms. */
export const LINE_EVERY_MS = 5_000;

/** A progress display: `update` with each progress report, `stop` once the run is over. */
export interface ProgressDisplay {
  update(progress: LoadProgress): void;
  stop(): void;
}

const seconds = (ms: number) => (ms / 1000).toFixed(1);

/** Creates the display for `stream`; a bar when `tty`, lines otherwise. */
export function createLoadProgress(stream: Writable, tty: boolean): ProgressDisplay {
  if (!tty) {
    let lastLineAt = performance.now();
    return {
      update(progress) {
        if (performance.now() - lastLineAt < LINE_EVERY_MS) return;
        lastLineAt = performance.now();
        stream.write(`load: ${seconds(progress.elapsedMs)}/${seconds(progress.durationMs)} s, open ${progress.open}, sent ${progress.sent}, received ${progress.received}, ends ${progress.ended}\n`);
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar({
    stream: stream as NodeJS.WriteStream,
    format: '{bar} {elapsed_s}/{total_s} s | open {open} | sent {sent} | received {received} | ends {ends}',
    barsize: 24,
    hideCursor: true,
    clearOnComplete: true,
  }, cliProgress.Presets.shades_classic);
  let started = false;
  const payload = (progress: LoadProgress) => ({
    elapsed_s: seconds(progress.elapsedMs), total_s: seconds(progress.durationMs),
    open: progress.open, sent: progress.sent, received: progress.received, ends: progress.ended,
  });
  return {
    update(progress) {
      if (!started) {
        started = true;
        bar.start(progress.durationMs, progress.elapsedMs, payload(progress));
        return;
      }
      bar.update(progress.elapsedMs, payload(progress));
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
