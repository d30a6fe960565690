-- wrk script of the benchmark: each connection pauses THINK_MS between a
-- response and its next request (a steady load rather than a flood); every
-- thread counts the statuses it got; at the end one line of JSON carries the
-- counts and the latency histogram ([microseconds, requests], as wrk
-- recorded it).
local think = tonumber(os.getenv("THINK_MS") or "0")
local bucket_ms = tonumber(os.getenv("BUCKET_MS") or "100")
local threads = {}

-- Wall-clock milliseconds (LuaJIT's FFI: Lua's own clock has whole seconds
-- only), so that the benchmark can put each response on its own timeline.
local ffi = require("ffi")
ffi.cdef[[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clock, bench_timespec *ts);
]]
local now_ts = ffi.new("bench_timespec")
local function now_ms()
  ffi.C.clock_gettime(0, now_ts)
  return tonumber(now_ts.tv_sec) * 1000 + math.floor(tonumber(now_ts.tv_nsec) / 1000000)
end

-- Globals: done() reads each thread's copy with thread:get.
statuses = {}
-- Per time bucket (its start, in ms since the epoch): responses below 400,
-- and of 400 or more. Flat tables: thread:get copies nested ones badly (wrk
-- crashed).
answered = {}
failed = {}

function setup(thread)
  table.insert(threads, thread)
end

function delay()
  return think
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  local at = math.floor(now_ms() / bucket_ms) * bucket_ms
  if status < 400 then answered[at] = (answered[at] or 0) + 1 else failed[at] = (failed[at] or 0) + 1 end
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      total[status] = (total[status] or 0) + count
    end
  end
  local ok, bad, seen = {}, {}, {}
  for _, thread in ipairs(threads) do
    for at, count in pairs(thread:get("answered")) do
      ok[at] = (ok[at] or 0) + count
      seen[at] = true
    end
    for at, count in pairs(thread:get("failed")) do
      bad[at] = (bad[at] or 0) + count
      seen[at] = true
    end
  end
  local timeline = {}
  for at in pairs(seen) do
    timeline[#timeline + 1] = string.format("[%d,%d,%d]", at, ok[at] or 0, bad[at] or 0)
  end
  local counts = {}
  for status, count in pairs(total) do
    counts[#counts + 1] = string.format('"%d":%d', status, count)
  end
  local latency_buckets = {}
  for i = 1, #latency do
    local value, count = latency(i)
    latency_buckets[#latency_buckets + 1] = string.format("[%d,%d]", value, count)
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"responses":%d,"status":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d,"duration_us":%d,"statuses":{%s},"latency":[%s],"bucket_ms":%d,"timeline":[%s]}\n',
    summary.requests, e.status, e.connect, e.read, e.write, e.timeout, summary.duration,
    table.concat(counts, ","), table.concat(latency_buckets, ","), bucket_ms, table.concat(timeline, ",")))
end
