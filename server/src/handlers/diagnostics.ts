// Publishes diagnostics per file (push model): findings with codes and documentation links, and read
// errors in flaglens.yaml and state files. Only files whose diagnostics changed are sent again.
import type { Diagnostic } from 'vscode-languageserver/node';
import { fileDiagnostics } from '../../../core/src/features/diagnostics.js';
import { toLspRange, toLspSeverity, Uri } from '../convert.js';
import type { Session } from '../session.js';

export class DiagnosticsPublisher {
  /** URI → JSON of the last diagnostics sent, so unchanged files are not re-sent. */
  private published = new Map<string, string>();

  constructor(private readonly session: Session) {}

  /**
   * Publishes the given workspace-relative files (the edited document first); with `all`, also every open
   * document and every file with diagnostics, and clears files that no longer have any.
   */
  publish(options: { files?: string[]; all: boolean }): void {
    const host = this.session.host;
    if (!host) return;
    const files = new Set<string>(options.files ?? []);
    if (!options.all) {
      for (const file of files) this.send(Uri.fromPath(host.toAbsolute(file)), this.diagnosticsFor(file));
      return;
    }
    for (const document of this.session.documents.all()) {
      const path = Uri.toPath(document.uri);
      if (path) files.add(host.toRelative(path));
    }
    for (const file of host.filesWithDiagnostics()) files.add(file);
    const seen = new Set<string>();
    for (const file of files) {
      const uri = Uri.fromPath(host.toAbsolute(file));
      seen.add(uri);
      this.send(uri, this.diagnosticsFor(file));
    }
    // Files that had diagnostics and have none now are cleared.
    for (const uri of [...this.published.keys()]) if (!seen.has(uri)) this.send(uri, []);
  }

  private diagnosticsFor(file: string): Diagnostic[] {
    const host = this.session.host!;
    return fileDiagnostics(host, file).map((diagnostic) => ({
      range: toLspRange(diagnostic),
      severity: toLspSeverity(diagnostic.severity),
      code: diagnostic.code,
      codeDescription: diagnostic.href ? { href: diagnostic.href } : undefined,
      source: 'flaglens',
      message: diagnostic.message,
      data: diagnostic.key ? { key: diagnostic.key } : undefined,
    }));
  }

  private send(uri: string, diagnostics: Diagnostic[]): void {
    const json = JSON.stringify(diagnostics);
    const previous = this.published.get(uri);
    if (previous === json) return;
    if (previous === undefined && diagnostics.length === 0) return;
    if (diagnostics.length === 0) this.published.delete(uri);
    else this.published.set(uri, json);
    this.session.connection.sendDiagnostics({ uri, diagnostics }).catch((error: unknown) => this.session.log(`publishing diagnostics failed: ${String(error)}`));
  }
}
