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

export async function definition(session: Session, params: DefinitionParams): Promise<Location | null> {
  const target = await session.documentReady(params.textDocument.uri);
  if (!target) return null;
  const { host, document, file } = target;
  const location = flagDefinition(host, file, document.getText(), toOffset(document, params.position));
  return location ? toLspLocation(location, (path) => host.toAbsolute(path)) : null;
}

export async function references(session: Session, params: ReferenceParams): Promise<Location[] | null> {
  const target = await session.documentReady(params.textDocument.uri);
  if (!target) return null;
  const { host, document, file } = target;
  const locations = flagReferences(host, file, document.getText(), toOffset(document, params.position), {
    includeDefinition: params.context.includeDeclaration,
  });
  return locations ? locations.map((location) => toLspLocation(location, (path) => host.toAbsolute(path))) : null;
}

/** Flags of every folder (the folder's name in the container when there are several). */
export function workspaceSymbols(session: Session, params: WorkspaceSymbolParams): SymbolInformation[] {
  const several = session.folders.size > 1;
  return [...session.folders.values()].flatMap((folder) =>
    flagSymbols(folder.host, params.query).map((symbol) => ({
      name: symbol.key,
      kind: SymbolKind.Constant,
      containerName: `flag · ${symbol.detail}${several ? ` · ${folder.name}` : ''}`,
      location: toLspLocation(symbol.location, (path) => folder.host.toAbsolute(path)),
    })),
  );
}
