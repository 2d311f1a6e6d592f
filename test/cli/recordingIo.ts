// A CliIo that records what a command prints, for running commands in-process without a terminal.
import type { CliIo } from '../../cli/src/command.js';

export function recordingIo(cwd: string, env: Record<string, string | undefined> = {}): CliIo & { out: string; err: string } {
  const io = {
    cwd,
    env,
    out: '',
    err: '',
    stdout: (text: string) => void (io.out += text),
    stderr: (text: string) => void (io.err += text),
    isInteractive: false,
    prompt: async () => '',
  };
  return io;
}
