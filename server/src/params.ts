// Checks of request params before a handler runs: a client that sends a request without its textDocument, a
// position with a negative line, or a bump without a key gets an InvalidParams error naming the field, never
// "Cannot read properties of undefined" and a stack trace in the log. One small validator per params shape.

/** Returns undefined when the params are usable, else what is wrong (`params.position.line must be …`). */
export type ParamsValidator = (params: unknown) => string | undefined;

type Check = (value: unknown, path: string) => string | undefined;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const object =
  (fields: Record<string, Check>, optional: readonly string[] = []): Check =>
  (value, path) => {
    if (!isObject(value)) return `${path} must be an object`;
    for (const [name, check] of Object.entries(fields)) {
      if (value[name] === undefined && optional.includes(name)) continue;
      const problem = check(value[name], `${path}.${name}`);
      if (problem) return problem;
    }
    return undefined;
  };

const string: Check = (value, path) => (typeof value === 'string' ? undefined : `${path} must be a string`);
const boolean: Check = (value, path) => (typeof value === 'boolean' ? undefined : `${path} must be true or false`);
const finiteNumber: Check = (value, path) => (typeof value === 'number' && Number.isFinite(value) ? undefined : `${path} must be a number`);
const unsignedInteger: Check = (value, path) => (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 2 ** 31 - 1 ? undefined : `${path} must be a non-negative integer`);
const oneOf =
  (...choices: string[]): Check =>
  (value, path) =>
    typeof value === 'string' && choices.includes(value) ? undefined : `${path} must be one of ${choices.join(', ')}`;
const array =
  (item: Check): Check =>
  (value, path) => {
    if (!Array.isArray(value)) return `${path} must be an array`;
    for (let index = 0; index < value.length; index++) {
      const problem = item(value[index], `${path}[${index}]`);
      if (problem) return problem;
    }
    return undefined;
  };

const position = object({ line: unsignedInteger, character: unsignedInteger });
const range = object({ start: position, end: position });
const textDocument = object({ uri: string });
const diagnostic = object({ range, message: string }, []);

const root =
  (check: Check): ParamsValidator =>
  (params) =>
    check(params, 'params');

/** The params shapes of the requests the server answers. */
export const validateParams = {
  textDocumentPosition: root(object({ textDocument, position })),
  textDocument: root(object({ textDocument })),
  textDocumentRange: root(object({ textDocument, range })),
  codeAction: root(object({ textDocument, range, context: object({ diagnostics: array(diagnostic) }) })),
  references: root(object({ textDocument, position, context: object({ includeDeclaration: boolean }) })),
  workspaceSymbol: root(object({ query: string })),
  // An empty key or reason is well-formed: the handler refuses it as `{ ok: false, reason: 'invalid' }`.
  previewRollout: root(object({ key: string, action: oneOf('bump', 'abort'), to: finiteNumber, folder: string }, ['to', 'folder'])),
  bump: root(object({ key: string, to: finiteNumber, force: boolean, folder: string }, ['to', 'force', 'folder'])),
  abort: root(object({ key: string, reason: string, folder: string }, ['folder'])),
  codeActionResolve: root(object({ title: string })),
  executeCommand: root(object({ command: string, arguments: array((value, path) => (value === undefined ? `${path} must not be undefined` : undefined)) }, ['arguments'])),
  /** Requests without params (listFlags, refresh) accept none or an empty object. */
  none: ((params: unknown) => (params === undefined || params === null || isObject(params) ? undefined : 'params must be an object or absent')) as ParamsValidator,
} satisfies Record<string, ParamsValidator>;
