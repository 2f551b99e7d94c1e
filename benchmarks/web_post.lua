-- wrk script of make bench-web: POST a different, valid survey answer with each request.
-- The answers (one urlencoded body a line, each with its own single-use form nonce) come from
-- the file named after "--"; run with one wrk thread so that no body is sent twice.
local bodies = {}
local next_body = 0

function init(args)
  for line in io.lines(args[1]) do
    bodies[#bodies + 1] = line
  end
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end

function request()
  next_body = next_body + 1
  if next_body > #bodies then
    next_body = 1 -- only when a run outlasts its bodies; the check after the run tells
  end
  return wrk.format(nil, nil, nil, bodies[next_body])
end
