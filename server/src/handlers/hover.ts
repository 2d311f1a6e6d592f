// textDocument/hover: params → offset → core `flagHover` → Markdown (links converted to URIs here).
import { MarkupKind, type Hover, type HoverParams } from 'vscode-languageserver/node';
import { flagHover } from '../../../core/src/features/hover.js';
import { offsetsToRange, toOffset, Uri } from '../convert.js';
import { ClientCommands } from '../../../protocol/src/index.js';
import type { Session } from '../session.js';

export async function hover(session: Session, params: HoverParams): Promise<Hover | null> {
  const target = session.documentAt(params.textDocument.uri);
  if (!target) return null;
  const settings = await session.settings.get(params.textDocument.uri);
  if (!settings.hover.enabled) return null;
  const { host, document, file } = target;
  const result = flagHover(host, file, document.getText(), toOffset(document, params.position));
  if (!result) return null;
  const links: string[] = [];
  if (result.links.definition) {
    const definition = result.links.definition;
    links.push(`[Open definition](${Uri.fromPath(host.toAbsolute(definition.file))}#L${definition.line},${definition.column})`);
  }
  if (result.links.referencesOf) {
    links.push(`[Show all references (Flags view)](command:${ClientCommands.showFlags}?${encodeURIComponent(JSON.stringify([result.links.referencesOf]))})`);
  }
  const markdown = links.length ? `${result.markdown}\n\n${links.join(' · ')}` : result.markdown;
  // Clients that render plain text only get the same content without Markdown marks and links.
  const contents = session.abilities.markdownHover
    ? { kind: MarkupKind.Markdown, value: markdown }
    : { kind: MarkupKind.PlainText, value: result.markdown.replace(/\*\*|`|^_|_$/gm, '') };
  return {
    contents,
    range: result.range ? offsetsToRange(document, result.range) : undefined,
  };
}
