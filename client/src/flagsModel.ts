// The client's copy of the server's flag list (`flaglens/listFlags`), re-read when the server says flags
// changed. The tree view, the status bar and the quick picks all read from here, so they always agree.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ListFlagsRequest, type FlagSummary, type FolderFlags } from '../../protocol/src/index.js';

export interface FlagsSnapshot {
  /** Every folder's flags. */
  flags: FlagSummary[];
  attention: { stale: number; unhealthy: number };
  /** The same per workspace folder (the Flags view groups them when there are several). */
  folders: FolderFlags[];
}

export class FlagsModel implements vscode.Disposable {
  private snapshot: FlagsSnapshot = { flags: [], attention: { stale: 0, unhealthy: 0 }, folders: [] };
  private readonly changeEmitter = new vscode.EventEmitter<FlagsSnapshot>();
  private pending: Promise<FlagsSnapshot> | undefined;
  private again = false;
  readonly onDidChange = this.changeEmitter.event;

  constructor(
    private readonly client: LanguageClient,
    private readonly output: vscode.LogOutputChannel,
  ) {}

  get current(): FlagsSnapshot {
    return this.snapshot;
  }

  /** Re-reads the list; concurrent calls share one request, and a call during a request schedules one more. */
  reload(): Promise<FlagsSnapshot> {
    if (this.pending) {
      this.again = true;
      return this.pending;
    }
    this.pending = this.fetch().finally(() => {
      this.pending = undefined;
      if (this.again) {
        this.again = false;
        void this.reload();
      }
    });
    return this.pending;
  }

  dispose(): void {
    this.changeEmitter.dispose();
  }

  private async fetch(): Promise<FlagsSnapshot> {
    try {
      const result = await this.client.sendRequest<ListFlagsRequest.Result>(ListFlagsRequest.method, {});
      this.snapshot = { flags: result?.flags ?? [], attention: result?.attention ?? { stale: 0, unhealthy: 0 }, folders: result?.folders ?? [] };
      this.changeEmitter.fire(this.snapshot);
    } catch (error) {
      // The server answers with an error while it starts or if a handler fails; keep the last list.
      this.output.appendLine(`listFlags failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    return this.snapshot;
  }
}
