// textDocument/hover: params → offset → core `flagHover` → Markdown (links converted to URIs here).
import type { Hover, HoverParams } from 'vscode-languageserver/node';
import { flagHover } from '../../../core/src/features/hover.js';
import { offsetsToRange, toCommandLink, toFileLink, toHoverContents, toOffset } from '../convert.js';
import { ClientCommands } from '../../../protocol/src/index.js';
import type { Session } from '../session.js';

export async function hover(session: Session, params: HoverParams): Promise<Hover | null> {
  const target = await session.documentReady(params.textDocument.uri);
  if (!target) return null;
  const settings = await session.settings.get(params.textDocument.uri);
  if (!settings.hover.enabled) return null;
  const { host, document, file } = target;
  const result = flagHover(host, file, document.getText(), toOffset(document, params.position));
  if (!result) return null;
  const links: string[] = [];
  if (result.links.definition) links.push(`[Open definition](${toFileLink(result.links.definition, (path) => host.toAbsolute(path))})`);
  if (result.links.referencesOf) links.push(`[Show all references (Flags view)](${toCommandLink(ClientCommands.showFlags, [result.links.referencesOf])})`);
  return {
    contents: toHoverContents({ markdown: result.markdown, links }, session.abilities.markdownHover),
    range: result.range ? offsetsToRange(document, result.range) : undefined,
  };
}
