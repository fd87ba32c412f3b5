import type { Output } from '../../src/runner/style.ts';

/** Captures what the CLI would print, as a terminal or as a CI log depending on `isTTY`. */
export function bufferOutput(isTTY = false, columns = 100): Output & { text(): string } {
  let text = '';
  return {
    isTTY,
    columns,
    write(chunk: string) {
      text += chunk;
    },
    text: () => text,
  };
}
