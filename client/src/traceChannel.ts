// The protocol trace channel behind `flaglens.trace.server`. vscode-languageclient 11 traces only while its
// channel's log level is Trace (set by hand with "Developer: Set Log Level…"), so a plain setting would do
// nothing; this channel reports level Trace exactly when the setting is `messages` or `verbose`, and writes
// the trace as plain lines to the "Flaglens (protocol)" output channel, with the setSecrets params redacted.
import * as vscode from 'vscode';
import { redactSecretsInTrace } from './present.js';

export function createTraceChannel(section: string): vscode.LogOutputChannel & vscode.Disposable {
  const output = vscode.window.createOutputChannel('Flaglens (protocol)');
  const levelEmitter = new vscode.EventEmitter<vscode.LogLevel>();
  const levelFromSettings = () =>
    vscode.workspace.getConfiguration(section).get<string>('trace.server', 'off') === 'off' ? vscode.LogLevel.Info : vscode.LogLevel.Trace;
  let logLevel = levelFromSettings();
  const subscription = vscode.workspace.onDidChangeConfiguration((event) => {
    if (!event.affectsConfiguration(`${section}.trace.server`)) return;
    logLevel = levelFromSettings();
    levelEmitter.fire(logLevel);
  });
  const line = (level: string) => (message: string | Error, ...args: unknown[]) => {
    const text = redactSecretsInTrace(message instanceof Error ? message.stack ?? message.message : message);
    output.appendLine(`[${new Date().toISOString()}] [${level}] ${text}${args.length ? ` ${args.map((arg) => String(arg)).join(' ')}` : ''}`);
  };
  return {
    name: output.name,
    get logLevel() {
      return logLevel;
    },
    onDidChangeLogLevel: levelEmitter.event,
    trace: line('trace'),
    debug: line('debug'),
    info: line('info'),
    warn: line('warn'),
    error: line('error'),
    append: (value: string) => output.append(value),
    appendLine: (value: string) => output.appendLine(value),
    replace: (value: string) => output.replace(value),
    clear: () => output.clear(),
    show: (columnOrPreserveFocus?: vscode.ViewColumn | boolean, preserveFocus?: boolean) =>
      typeof columnOrPreserveFocus === 'boolean' ? output.show(columnOrPreserveFocus) : output.show(columnOrPreserveFocus, preserveFocus),
    hide: () => output.hide(),
    dispose: () => {
      subscription.dispose();
      levelEmitter.dispose();
      output.dispose();
    },
  };
}
