// The Flaglens VS Code extension: starts the language server and adds the commands and views.
import type { ExtensionContext } from 'vscode';

export function activate(_context: ExtensionContext): void {}
export function deactivate(): void {}
