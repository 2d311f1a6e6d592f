// `flaglens abort KEY --reason TEXT`: sends every user the off variant (weights to 0, not state: DISABLED),
// recording abortedAt and the reason, after showing `from → to`.
import { planAbort } from '../../../core/src/state/rollout.js';
import { parseCommandArguments } from '../args.js';
import type { CliIo, Command } from '../command.js';
import { UsageError } from '../command.js';
import { runRolloutCommand } from '../rolloutCommand.js';

const help = `Usage: flaglens abort KEY [DIR] --reason TEXT [options]

Aborts flag KEY's rollout: every user gets the off variant (the weights go to 0; the flag is not
DISABLED, which would make SDKs fall back to the code default). Records abortedAt and the reason in the
flag's metadata. Prints "from → to" and asks for confirmation on a terminal.

Options:
  --reason TEXT    why (required; recorded with the flag)
  --yes            do not ask for confirmation (required when not on a terminal)
  --config FILE    flaglens.yaml to use (default: DIR/flaglens.yaml)
  --allow-outside-workspace
                   write the state file even when it resolves outside DIR (a deliberate
                   monorepo layout); by default such a write is refused
  -h, --help       this help

Exit codes: 0 aborted, 1 refused (unknown flag, targeted by rules, changed since read…) or cancelled,
2 usage or configuration error (and no --yes without a terminal).`;

export const abortCommand: Command = {
  name: 'abort',
  summary: 'roll a flag back to 0% for everyone, recording why',
  help,
  async run(argv: string[], io: CliIo): Promise<number> {
    const { positionals, options } = parseCommandArguments(
      argv,
      { reason: { type: 'string' }, yes: { type: 'boolean' }, config: { type: 'string' }, 'allow-outside-workspace': { type: 'boolean' } },
      { max: 2, names: 'KEY [DIR]' },
    );
    const [key, directory] = positionals;
    if (!key) throw new UsageError('missing KEY: the flag to abort');
    const reason = typeof options.reason === 'string' ? options.reason.trim() : '';
    if (!reason) throw new UsageError('--reason TEXT is required: say why the rollout is aborted');
    return runRolloutCommand(io, {
      command: 'abort',
      key,
      directory,
      configPath: options.config as string | undefined,
      yes: options.yes === true,
      allowOutsideWorkspace: options['allow-outside-workspace'] === true,
      plan: (flag, config) => planAbort(flag, config.rollout.steps),
      write: (provider, flag) => provider.abort!({ key: flag.key, reason, expected: flag }),
    });
  },
};
