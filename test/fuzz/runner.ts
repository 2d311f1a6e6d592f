// The fuzz suite's worker process: runs CLI commands in-process (runCli with a recording CliIo), one case at a
// time as the parent sends them over IPC, and answers with the exit code and output. The parent holds the
// deadline: a case that hangs gets this process killed, which is how a hang is detected and reported.
import { runCli } from '../../cli/src/main.js';
import type { CliIo } from '../../cli/src/command.js';

interface Request {
  id: number;
  cwd: string;
  argv: string[];
  env: Record<string, string>;
}

process.on('message', (message: Request) => {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    cwd: message.cwd,
    env: message.env,
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    isInteractive: false,
    prompt: async () => '',
  };
  runCli(message.argv, io).then(
    (code) => process.send!({ id: message.id, code, stdout, stderr }),
    (error: unknown) => process.send!({ id: message.id, code: -1, stdout, stderr: `${stderr}\nrunCli rejected: ${error instanceof Error ? error.stack : String(error)}` }),
  );
});
process.send!({ ready: true });
