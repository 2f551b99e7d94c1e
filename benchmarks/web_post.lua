-- wrk script of make bench-web: POST a different, valid survey answer with each request.
-- The answers (one urlencoded body a line, each with its own single-use form nonce) come from
-- the file named after "--"; run with one wrk thread so that no body is sent twice. At the end
-- it prints how many bodies were sent, so the benchmark can check that each one accepted was
-- stored once and nothing else was.
bodies = {}
sent = 0
local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
end

function init(args)
  for line in io.lines(args[1]) do
    bodies[#bodies + 1] = line
  end
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end

function request()
  sent = sent + 1
  -- Customers come from many addresses, through one proxy (CXP_TRUSTED_PROXY_HOPS=1): each
  -- request its own, from 198.18.0.0/15, the range set aside for benchmarks (RFC 2544).
  local headers = {}
  for name, value in pairs(wrk.headers) do
    headers[name] = value
  end
  headers["X-Forwarded-For"] = string.format("198.%d.%d.%d", 18 + math.floor(sent / 65536) % 2,
    math.floor(sent / 256) % 256, sent % 256)
  -- past the last body the first comes again: a duplicate the check after the run counts
  return wrk.format(nil, nil, headers, bodies[(sent - 1) % #bodies + 1])
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("sent")
  end
  io.write(string.format("bodies sent: %d\n", total))
end
