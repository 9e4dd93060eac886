-- wrk script for tests/bench/*.sh: an optional Cookie header (BENCH_COOKIE),
-- counts non-2xx answers per thread, prints one RESULT line (times in us).
local cookie = os.getenv("BENCH_COOKIE")
if cookie and cookie ~= "" then
  wrk.headers["Cookie"] = cookie
end
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
function init(args)
  non2xx = 0
  codes = {}
end
function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    codes[tostring(status)] = (codes[tostring(status)] or 0) + 1
  end
end
function done(summary, latency, requests)
  local bad, detail = 0, {}
  for _, t in ipairs(threads) do
    bad = bad + (t:get("non2xx") or 0)
    local c = t:get("codes")
    if c then
      for k, v in pairs(c) do detail[#detail + 1] = k .. "x" .. v end
    end
  end
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d non2xx=%d sockerr=%d codes=%s\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    bad, e.connect + e.read + e.write + e.timeout, table.concat(detail, ",")))
end
