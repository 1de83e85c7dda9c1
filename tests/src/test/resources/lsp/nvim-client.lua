-- Neovim (0.7+) as an independent LSP client: starts the server given in $LSP_CMD (a JSON list) over stdio,
-- opens $LSP_FILE, waits for diagnostics, asks completion at $LSP_COMPLETE_LINE:$LSP_COMPLETE_COL and hover at
-- $LSP_HOVER_LINE:$LSP_HOVER_COL (0-based), inserts $LSP_EDIT_TEXT above line $LSP_EDIT_LINE, waits for the
-- diagnostics that follow, and writes what it saw as JSON to $LSP_OUT.
local function env(name)
  local value = os.getenv(name)
  assert(value, name .. ' is not set')
  return value
end
local out_path = env('LSP_OUT')
local result = { events = {} }
local function log(what) table.insert(result.events, what) end

local function finish(status)
  result.status = status
  local f = assert(io.open(out_path, 'w'))
  f:write(vim.fn.json_encode(result))
  f:close()
  vim.cmd('qa!')
end

local ok, err = pcall(function()
  local settings = vim.fn.json_decode(table.concat(vim.fn.readfile(env('LSP_SETTINGS')), '\n'))
  vim.cmd('edit ' .. vim.fn.fnameescape(env('LSP_FILE')))
  local bufnr = vim.api.nvim_get_current_buf()
  local uri = vim.uri_from_bufnr(bufnr)
  local published = {}
  local exited = nil

  local client_id = vim.lsp.start_client({
    name = 'under-test',
    cmd = vim.fn.json_decode(env('LSP_CMD')),
    root_dir = vim.fn.fnamemodify(env('LSP_FILE'), ':p:h'),
    settings = settings,
    init_options = settings,
    handlers = {
      ['textDocument/publishDiagnostics'] = function(_, params)
        if params.uri == uri then table.insert(published, params.diagnostics) end
      end,
    },
    on_exit = function(code, signal) exited = { code = code, signal = signal } end,
  })
  assert(client_id, 'start_client returned nil')
  local client = vim.lsp.get_client_by_id(client_id)
  assert(vim.wait(60000, function() return client.initialized or exited ~= nil end, 20), 'initialize timed out')
  assert(exited == nil, 'server exited during initialize: ' .. vim.inspect(exited))
  result.server = client.server_info
  vim.lsp.buf_attach_client(bufnr, client_id)
  log('attached')

  assert(vim.wait(60000, function() return #published > 0 end, 20), 'no diagnostics within 60 s of open')
  result.diagnostics_on_open = published[#published]

  local function position(line, col)
    return { textDocument = { uri = uri }, position = { line = tonumber(line), character = tonumber(col) } }
  end
  local answer, request_err = client.request_sync('textDocument/completion',
    position(env('LSP_COMPLETE_LINE'), env('LSP_COMPLETE_COL')), 30000, bufnr)
  assert(answer, 'completion: ' .. tostring(request_err))
  assert(answer.err == nil, 'completion error: ' .. vim.inspect(answer.err))
  local items = answer.result or {}
  if items.items then items = items.items end
  result.completion = {}
  for _, item in ipairs(items) do table.insert(result.completion, item.label) end

  answer, request_err = client.request_sync('textDocument/hover',
    position(env('LSP_HOVER_LINE'), env('LSP_HOVER_COL')), 30000, bufnr)
  assert(answer, 'hover: ' .. tostring(request_err))
  assert(answer.err == nil, 'hover error: ' .. vim.inspect(answer.err))
  local contents = answer.result and answer.result.contents
  if type(contents) == 'table' then contents = contents.value or vim.inspect(contents) end
  result.hover = contents or vim.NIL

  -- an edit through the buffer: Neovim sends didChange the way it syncs with this server
  local seen = #published
  local edit_line = tonumber(env('LSP_EDIT_LINE'))
  vim.api.nvim_buf_set_lines(bufnr, edit_line, edit_line, false, { env('LSP_EDIT_TEXT') })
  local function flagged()
    for i = seen + 1, #published do
      for _, d in ipairs(published[i]) do
        if d.range.start.line == edit_line then return published[i] end
      end
    end
    return nil
  end
  assert(vim.wait(60000, function() return flagged() ~= nil end, 20), 'no diagnostic on the edited line within 60 s')
  result.diagnostics_after_edit = flagged()
  result.alive = exited == nil
  client.stop()
  vim.wait(5000, function() return exited ~= nil end, 20)
  result.exit = exited
end)
if not ok then result.error = tostring(err) end
finish(ok and 'ok' or 'failed')
