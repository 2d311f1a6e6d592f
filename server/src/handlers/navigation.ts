// textDocument/definition, textDocument/references and workspace/symbol for flags.
import {
  SymbolKind,
  type DefinitionParams,
  type Location,
  type ReferenceParams,
  type SymbolInformation,
  type WorkspaceSymbolParams,
} from 'vscode-languageserver/node';
import { flagDefinition, flagReferences, flagSymbols } from '../../../core/src/features/navigation.js';
import { toLspLocation, toOffset } from '../convert.js';
import type { Session } from '../session.js';

export function definition(session: Session, params: DefinitionParams): Location | null {
  const target = session.documentAt(params.textDocument.uri);
  if (!target) return null;
  const { host, document, file } = target;
  const location = flagDefinition(host, file, document.getText(), toOffset(document, params.position));
  return location ? toLspLocation(location, (path) => host.toAbsolute(path)) : null;
}

export function references(session: Session, params: ReferenceParams): Location[] | null {
  const target = session.documentAt(params.textDocument.uri);
  if (!target) return null;
  const { host, document, file } = target;
  const locations = flagReferences(host, file, document.getText(), toOffset(document, params.position), {
    includeDefinition: params.context.includeDeclaration,
  });
  return locations ? locations.map((location) => toLspLocation(location, (path) => host.toAbsolute(path))) : null;
}

export function workspaceSymbols(session: Session, params: WorkspaceSymbolParams): SymbolInformation[] {
  const host = session.host;
  if (!host) return [];
  return flagSymbols(host, params.query).map((symbol) => ({
    name: symbol.key,
    kind: SymbolKind.Constant,
    containerName: `flag · ${symbol.detail}`,
    location: toLspLocation(symbol.location, (path) => host.toAbsolute(path)),
  }));
}
