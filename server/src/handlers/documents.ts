// Document sync and file watching: opened/changed/closed editor buffers and files changed on disk
// (saved, git checkout) go to the host of the innermost workspace folder holding them, which re-analyses in the
// background and fires a change event when the answer is in.
import type { DidChangeWatchedFilesParams } from 'vscode-languageserver/node';
import type { TextDocumentChangeEvent } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { Uri } from '../convert.js';
import type { Session } from '../session.js';

function hostOf(session: Session, uri: string) {
  const path = Uri.toPath(uri);
  const folder = path ? session.folderOfPath(path) : undefined;
  return path && folder ? { path, host: folder.host } : undefined;
}

export function documentOpened(session: Session, event: TextDocumentChangeEvent<TextDocument>): void {
  // Pull this document's settings now, so its first hover does not wait for a round trip.
  void session.settings.get(event.document.uri);
  const target = hostOf(session, event.document.uri);
  target?.host.openDocument(target.path, event.document.getText());
}

export function documentChanged(session: Session, event: TextDocumentChangeEvent<TextDocument>): void {
  const target = hostOf(session, event.document.uri);
  target?.host.changeDocument(target.path, event.document.getText());
}

export function documentClosed(session: Session, event: TextDocumentChangeEvent<TextDocument>): void {
  session.settings.forget(event.document.uri);
  const target = hostOf(session, event.document.uri);
  target?.host.closeDocument(target.path);
}

/** Saved documents: state files and flaglens.yaml apply on save. */
export function documentSaved(session: Session, event: TextDocumentChangeEvent<TextDocument>): void {
  const target = hostOf(session, event.document.uri);
  target?.host.fileChangedOnDisk(target.path);
}

/** Each event goes through its folder's ignore rules (the walk's): dist/, node_modules and excludes change nothing. */
export function watchedFilesChanged(session: Session, params: DidChangeWatchedFilesParams): void {
  for (const change of params.changes) {
    const target = hostOf(session, change.uri);
    target?.host.fileChangedOnDisk(target.path);
  }
}
