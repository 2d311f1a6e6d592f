// Document sync and file watching: opened/changed/closed editor buffers and files changed on disk
// (saved, git checkout) go to the host, which re-analyses and fires a change event.
import type { DidChangeWatchedFilesParams } from 'vscode-languageserver/node';
import type { TextDocumentChangeEvent } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { Uri } from '../convert.js';
import type { Session } from '../session.js';

export function documentOpened(session: Session, event: TextDocumentChangeEvent<TextDocument>): void {
  const path = Uri.toPath(event.document.uri);
  // Pull this document's settings now, so its first hover does not wait for a round trip.
  void session.settings.get(event.document.uri);
  if (path && session.host) session.host.openDocument(path, event.document.getText());
}

export function documentChanged(session: Session, event: TextDocumentChangeEvent<TextDocument>): void {
  const path = Uri.toPath(event.document.uri);
  if (path && session.host) session.host.changeDocument(path, event.document.getText());
}

export function documentClosed(session: Session, event: TextDocumentChangeEvent<TextDocument>): void {
  const path = Uri.toPath(event.document.uri);
  session.settings.forget(event.document.uri);
  if (path && session.host) session.host.closeDocument(path);
}

/** Saved documents: state files and flaglens.yaml apply on save. */
export function documentSaved(session: Session, event: TextDocumentChangeEvent<TextDocument>): void {
  const path = Uri.toPath(event.document.uri);
  if (path && session.host) session.host.fileChangedOnDisk(path);
}

export function watchedFilesChanged(session: Session, params: DidChangeWatchedFilesParams): void {
  for (const change of params.changes) {
    const path = Uri.toPath(change.uri);
    if (path && session.host) session.host.fileChangedOnDisk(path);
  }
}
