// Publishes diagnostics per file (push model): findings with codes and documentation links, and read
// errors in flaglens.yaml and state files. Only files whose diagnostics changed are sent again. Each workspace
// folder publishes its own files; a folder that goes away clears what it published.
import type { Diagnostic } from 'vscode-languageserver/node';
import { fileDiagnostics } from '../../../core/src/features/diagnostics.js';
import { toLspRange, toLspSeverity, Uri } from '../convert.js';
import type { FolderEntry, Session } from '../session.js';

/** A full pass sends this many files, or works this long, before it lets requests and their answers through. */
const SLICE_FILES = 25;
const SLICE_MS = 4;

export class DiagnosticsPublisher {
  /** URI → JSON of the last diagnostics sent, so unchanged files are not re-sent; which folder and file sent them. */
  private published = new Map<string, { json: string; folder: FolderEntry; file: string }>();
  /** The running full pass of each folder: a newer pass, or the folder going away, stops the older one. */
  private passes = new Map<FolderEntry, number>();
  private passCount = 0;

  constructor(private readonly session: Session) {}

  /**
   * Publishes the given folder-relative files of a folder (the edited document first); with `all`, also every open
   * document of the folder and every file with diagnostics, and clears the folder's files that no longer have any.
   * The given files and open documents are sent at once. The rest of a full pass (a workspace's worth of files when
   * an index ends) goes out in slices, each followed by a turn of the event loop once its messages are written: a
   * hover sent meanwhile is answered between two slices, not after hundreds of notifications.
   */
  publish(folder: FolderEntry, options: { files?: string[]; all: boolean }): void {
    const host = folder.host;
    const files = new Set<string>(options.files ?? []);
    if (!options.all) {
      for (const file of files) this.sendFile(folder, file);
      return;
    }
    for (const document of this.session.documents.all()) {
      const path = Uri.toPath(document.uri);
      if (path && this.session.folderOfPath(path) === folder) files.add(host.toRelative(path));
    }
    const pass = ++this.passCount;
    this.passes.set(folder, pass);
    let written: Promise<void> | undefined;
    for (const file of files) written = this.sendFile(folder, file) ?? written;
    // Every file with diagnostics now, and every file of this folder that had some (each is sent what it has now,
    // which clears one that has none; a file an edit published meanwhile is therefore never cleared by mistake).
    const rest = new Set<string>();
    for (const file of host.filesWithDiagnostics()) if (!files.has(file)) rest.add(file);
    for (const sent of this.published.values()) if (sent.folder === folder && !files.has(sent.file)) rest.add(sent.file);
    const queue = [...rest];
    const sendSlice = async (from: number, previous: Promise<void> | undefined): Promise<void> => {
      await previous?.catch(() => undefined);
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.passes.get(folder) !== pass || this.session.shutDown || this.session.folders.get(folder.uri) !== folder) return;
      const started = performance.now();
      let index = from;
      let last: Promise<void> | undefined;
      for (; index < queue.length && index - from < SLICE_FILES && performance.now() - started < SLICE_MS; index++) last = this.sendFile(folder, queue[index]!) ?? last;
      if (index < queue.length) return sendSlice(index, last);
      this.passes.delete(folder);
    };
    if (queue.length) void sendSlice(0, written).catch((error: unknown) => this.session.log(`publishing diagnostics failed: ${String(error)}`));
    else this.passes.delete(folder);
  }

  /** A folder was removed: everything it published is cleared. */
  clearFolder(folder: FolderEntry): void {
    this.passes.delete(folder);
    for (const [uri, sent] of [...this.published]) if (sent.folder === folder) this.send(folder, uri, sent.file, []);
  }

  private sendFile(folder: FolderEntry, file: string): Promise<void> | undefined {
    return this.send(folder, Uri.fromPath(folder.host.toAbsolute(file)), file, this.diagnosticsFor(folder, file));
  }

  private diagnosticsFor(folder: FolderEntry, file: string): Diagnostic[] {
    return fileDiagnostics(folder.host, file).map((diagnostic) => ({
      range: toLspRange(diagnostic),
      severity: toLspSeverity(diagnostic.severity),
      code: diagnostic.code,
      codeDescription: diagnostic.href ? { href: diagnostic.href } : undefined,
      source: 'flaglens',
      message: diagnostic.message,
      data: diagnostic.key ? { key: diagnostic.key } : undefined,
    }));
  }

  /** Sends a file's diagnostics unless they are what was sent last; the promise settles once the message is written. */
  private send(folder: FolderEntry, uri: string, file: string, diagnostics: Diagnostic[]): Promise<void> | undefined {
    const json = JSON.stringify(diagnostics);
    const previous = this.published.get(uri);
    if (previous?.json === json) return undefined;
    if (previous === undefined && diagnostics.length === 0) return undefined;
    if (diagnostics.length === 0) this.published.delete(uri);
    else this.published.set(uri, { json, folder, file });
    return this.session.connection.sendDiagnostics({ uri, diagnostics }).catch((error: unknown) => this.session.log(`publishing diagnostics failed: ${String(error)}`));
  }
}
