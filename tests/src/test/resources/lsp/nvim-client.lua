-- Drives a headless Neovim whose init.lua is the README's setup (language-server/README.md, "### Neovim 0.7"):
-- opens $LSP_PLAIN (YAML that is not a manifest: no server may attach), then $LSP_FILE, waits for the server the
-- setup started and for its first diagnostics, asks completion at $LSP_COMPLETE_LINE:$LSP_COMPLETE_COL and hover
-- at $LSP_HOVER_LINE:$LSP_HOVER_COL (0-based), inserts $LSP_EDIT_TEXT above line $LSP_EDIT_LINE, waits until
-- vim.diagnostic has an entry on that line, and writes what it saw as JSON to $LSP_OUT.
local function env(name)
  local value = os.getenv(name)
  assert(value, name .. ' is not set')
  return value
end
local out_path = env('LSP_OUT')
local result = {}

local function finish(status)
  result.status = status
  local f = assert(io.open(out_path, 'w'))
  f:write(vim.fn.json_encode(result))
  f:close()
  vim.cmd('qa!')
end

local ok, err = pcall(function()
  -- count publications (the default handler still runs: vim.diagnostic is what the assertions read)
  local publications = 0
  local default_handler = vim.lsp.handlers['textDocument/publishDiagnostics']
  vim.lsp.handlers['textDocument/publishDiagnostics'] = function(e, params, ctx, config)
    publications = publications + 1
    return default_handler(e, params, ctx, config)
  end

  vim.cmd('edit ' .. vim.fn.fnameescape(env('LSP_PLAIN')))
  result.plain_filetype = vim.bo.filetype
  local plain = vim.api.nvim_get_current_buf()

  vim.cmd('edit ' .. vim.fn.fnameescape(env('LSP_FILE')))
  local bufnr = vim.api.nvim_get_current_buf()
  result.filetype = vim.bo.filetype
  local function client()
    for _, c in pairs(vim.lsp.buf_get_clients(bufnr)) do return c end
    return nil
  end
  -- Neovim 0.7 lists a client among the buffer's only once it is initialized
  assert(vim.wait(60000, function() return client() ~= nil end, 20),
    'the README setup attached no initialized client to ' .. env('LSP_FILE') .. ' within 60 s (filetype '
    .. vim.bo.filetype .. ')')
  result.client_name = client().name
  result.cmd = client().config.cmd

  assert(vim.wait(60000, function() return publications > 0 end, 20), 'no diagnostics within 60 s of open')
  result.errors_on_open = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr, { severity = vim.diagnostic.severity.ERROR })) do
    table.insert(result.errors_on_open, d.message)
  end

  local function ask(method, line, col)
    local params = { textDocument = { uri = vim.uri_from_bufnr(bufnr) },
                     position = { line = tonumber(line), character = tonumber(col) } }
    local answers, request_err = vim.lsp.buf_request_sync(bufnr, method, params, 30000)
    assert(answers, method .. ': ' .. tostring(request_err))
    for _, answer in pairs(answers) do
      assert(answer.err == nil, method .. ' error: ' .. vim.inspect(answer.err))
      return answer.result
    end
    error(method .. ': no answer')
  end
  local items = ask('textDocument/completion', env('LSP_COMPLETE_LINE'), env('LSP_COMPLETE_COL')) or {}
  if items.items then items = items.items end
  result.completion = {}
  for _, item in ipairs(items) do table.insert(result.completion, item.label) end

  local hover = ask('textDocument/hover', env('LSP_HOVER_LINE'), env('LSP_HOVER_COL'))
  local contents = hover and hover.contents
  if type(contents) == 'table' then contents = contents.value or vim.inspect(contents) end
  result.hover = contents or vim.NIL

  -- an edit through the buffer: Neovim sends didChange the way it syncs with this server
  local edit_line = tonumber(env('LSP_EDIT_LINE'))
  vim.api.nvim_buf_set_lines(bufnr, edit_line, edit_line, false, { env('LSP_EDIT_TEXT') })
  local function on_edited_line() return vim.diagnostic.get(bufnr, { lnum = edit_line }) end
  assert(vim.wait(60000, function() return #on_edited_line() > 0 end, 20), 'no diagnostic on the edited line within 60 s')
  result.diagnostics_after_edit = {}
  for _, d in ipairs(on_edited_line()) do
    table.insert(result.diagnostics_after_edit, { line = d.lnum, severity = d.severity, message = d.message })
  end
  -- only now: a client that is still initializing is not listed among a buffer's
  result.plain_managed = next(vim.lsp.buf_get_clients(plain)) ~= nil
  result.alive = not client().is_stopped()
  client().stop()
end)
if not ok then result.error = tostring(err) end
finish(ok and 'ok' or 'failed')
