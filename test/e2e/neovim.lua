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
  local client_id = vim.lsp.start_client({
    name = 'flaglens',
    cmd = { 'node', plan.server, '--stdio' },
    root_dir = plan.root,
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
