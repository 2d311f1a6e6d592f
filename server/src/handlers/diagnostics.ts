// Publishes diagnostics per file (push model): findings with codes and documentation links, and read
// errors in flaglens.yaml and state files. Only files whose diagnostics changed are sent again. Each workspace
// folder publishes its own files; a folder that goes away clears what it published.
import type { Diagnostic } from 'vscode-languageserver/node';
import { fileDiagnostics } from '../../../core/src/features/diagnostics.js';
import { toLspRange, toLspSeverity, Uri } from '../convert.js';
import type { FolderEntry, Session } from '../session.js';

export class DiagnosticsPublisher {
  /** URI → JSON of the last diagnostics sent, so unchanged files are not re-sent; and which folder sent them. */
  private published = new Map<string, { json: string; folder: FolderEntry }>();

  constructor(private readonly session: Session) {}

  /**
   * Publishes the given folder-relative files of a folder (the edited document first); with `all`, also every open
   * document of the folder and every file with diagnostics, and clears the folder's files that no longer have any.
   */
  publish(folder: FolderEntry, options: { files?: string[]; all: boolean }): void {
    const host = folder.host;
    const files = new Set<string>(options.files ?? []);
    if (!options.all) {
      for (const file of files) this.send(folder, Uri.fromPath(host.toAbsolute(file)), this.diagnosticsFor(folder, file));
      return;
    }
    for (const document of this.session.documents.all()) {
      const path = Uri.toPath(document.uri);
      if (path && this.session.folderOfPath(path) === folder) files.add(host.toRelative(path));
    }
    for (const file of host.filesWithDiagnostics()) files.add(file);
    const seen = new Set<string>();
    for (const file of files) {
      const uri = Uri.fromPath(host.toAbsolute(file));
      seen.add(uri);
      this.send(folder, uri, this.diagnosticsFor(folder, file));
    }
    // Files of this folder that had diagnostics and have none now are cleared.
    for (const [uri, sent] of [...this.published]) if (sent.folder === folder && !seen.has(uri)) this.send(folder, uri, []);
  }

  /** A folder was removed: everything it published is cleared. */
  clearFolder(folder: FolderEntry): void {
    for (const [uri, sent] of [...this.published]) if (sent.folder === folder) this.send(folder, uri, []);
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

  private send(folder: FolderEntry, uri: string, diagnostics: Diagnostic[]): void {
    const json = JSON.stringify(diagnostics);
    const previous = this.published.get(uri);
    if (previous?.json === json) return;
    if (previous === undefined && diagnostics.length === 0) return;
    if (diagnostics.length === 0) this.published.delete(uri);
    else this.published.set(uri, { json, folder });
    this.session.connection.sendDiagnostics({ uri, diagnostics }).catch((error: unknown) => this.session.log(`publishing diagnostics failed: ${String(error)}`));
  }
}
