-- Driven by test/e2e/neovim.test.ts: Neovim 0.7 as a real LSP client of `node dist/server.js --stdio`.
-- Reads the plan (positions to ask about) from $FLAGLENS_PLAN, writes one JSON object to stdout, quits.
local plan = vim.fn.json_decode(os.getenv('FLAGLENS_PLAN'))
local results = { steps = {} }

local function finish(code)
  io.stdout:write(vim.fn.json_encode(results) .. '\n')
  io.stdout:flush()
  if code == 0 then vim.cmd('qall!') else vim.cmd('cquit! 1') end
end

local function request(bufnr, method, params)
  local responses, err = vim.lsp.buf_request_sync(bufnr, method, params, 10000)
  if not responses then return nil, err end
  for _, response in pairs(responses) do
    if response.error then return nil, response.error.message end
    return response.result
  end
  return nil
end

local function diagnostic_code(diagnostic)
  if diagnostic.code then return diagnostic.code end
  local lsp = diagnostic.user_data and diagnostic.user_data.lsp
  return lsp and lsp.code or nil
end

local function run()
  local bufnr = vim.api.nvim_get_current_buf()
  -- Without codeAction/resolve (older clients; 0.7.2 has it): the "Remove flag" fixes come as server commands.
  local capabilities = vim.lsp.protocol.make_client_capabilities()
  capabilities.textDocument.codeAction.resolveSupport = nil
  local client_id = vim.lsp.start_client({
    name = 'flaglens',
    cmd = { 'node', plan.server, '--stdio' },
    root_dir = plan.root,
    capabilities = capabilities,
    workspace_folders = { { uri = vim.uri_from_fname(plan.root), name = 'shop' } },
  })
  if not client_id then error('start_client failed') end
  vim.lsp.buf_attach_client(bufnr, client_id)
  local uri = vim.uri_from_bufnr(bufnr)
  local started = vim.loop.hrtime()

  -- Diagnostics: FL001 at the expected line.
  local found = vim.wait(20000, function()
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do
      if diagnostic_code(d) == 'FL001' then return true end
    end
    return false
  end, 50)
  results.diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(results.diagnostics, { code = diagnostic_code(d), line = d.lnum, message = d.message, source = d.source })
  end
  results.diagnosticsFound = found
  results.diagnosticsMs = (vim.loop.hrtime() - started) / 1e6

  -- Hover on the check.
  local hover, hover_err = request(bufnr, 'textDocument/hover', { textDocument = { uri = uri }, position = plan.hover })
  results.hover = hover and hover.contents and (hover.contents.value or hover.contents) or vim.NIL
  results.hoverError = hover_err

  -- Definition: the flag in the state file.
  local definition, definition_err = request(bufnr, 'textDocument/definition', { textDocument = { uri = uri }, position = plan.hover })
  if definition and definition[1] then definition = definition[1] end
  results.definition = definition or vim.NIL
  results.definitionError = definition_err

  -- Completion: type a partial key into a check's key argument, then ask.
  vim.api.nvim_buf_set_lines(bufnr, plan.completion.line, plan.completion.line + 1, false, { plan.completion.text })
  local completion, completion_err
  vim.wait(5000, function()
    completion, completion_err = request(bufnr, 'textDocument/completion', { textDocument = { uri = uri }, position = plan.completion.position })
    local items = completion and (completion.items or completion) or {}
    return #items > 0
  end, 100)
  local labels = {}
  local items = completion and (completion.items or completion) or {}
  for _, item in ipairs(items) do table.insert(labels, { label = item.label, detail = item.detail }) end
  results.completion = labels
  results.completionError = completion_err

  -- "Remove flag here" on the stale check: a server command; Neovim runs it, the server type-checks the edit and
  -- applies it through workspace/applyEdit, which Neovim's own handler applies to the buffer.
  local line_diagnostics = vim.lsp.diagnostic.get_line_diagnostics(bufnr, plan.removeFlag.line)
  local actions, actions_err = request(bufnr, 'textDocument/codeAction', {
    textDocument = { uri = uri },
    range = { start = plan.removeFlag.position, ['end'] = plan.removeFlag.position },
    context = { diagnostics = line_diagnostics },
  })
  results.codeActionsError = actions_err
  local remove
  for _, action in ipairs(actions or {}) do
    if action.title == plan.removeFlag.title then remove = action end
  end
  results.removeFlag = remove and { command = remove.command and remove.command.command or vim.NIL, hasEdit = remove.edit ~= nil, hasData = remove.data ~= nil } or vim.NIL
  if remove and remove.command then
    local client = vim.lsp.get_client_by_id(client_id)
    local done = false
    client.request('workspace/executeCommand', { command = remove.command.command, arguments = remove.command.arguments }, function(err, result)
      results.removeFlagResult = err and { error = err.message } or result
      done = true
    end, bufnr)
    vim.wait(120000, function() return done end, 50)
    results.removedLine = vim.api.nvim_buf_get_lines(bufnr, plan.removeFlag.line, plan.removeFlag.line + 1, false)[1]
    results.bufferAfterRemove = table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), '\n')
  end

  vim.lsp.stop_client(client_id, true)
end

vim.api.nvim_create_autocmd('VimEnter', {
  once = true,
  callback = function()
    local ok, err = pcall(run)
    if not ok then
      results.error = tostring(err)
      finish(1)
    else
      finish(0)
    end
  end,
})
