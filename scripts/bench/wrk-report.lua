-- wrk script of the benchmark: each connection pauses THINK_MS between a
-- response and its next request (a steady load rather than a flood); every
-- thread counts the statuses it got; at the end one line of JSON carries the
-- counts and the latency histogram ([microseconds, requests], as wrk
-- recorded it).
local think = tonumber(os.getenv("THINK_MS") or "0")
local threads = {}

-- Global: done() reads each thread's copy with thread:get.
statuses = {}

function setup(thread)
  table.insert(threads, thread)
end

function delay()
  return think
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      total[status] = (total[status] or 0) + count
    end
  end
  local counts = {}
  for status, count in pairs(total) do
    counts[#counts + 1] = string.format('"%d":%d', status, count)
  end
  local buckets = {}
  for i = 1, #latency do
    local value, count = latency(i)
    buckets[#buckets + 1] = string.format("[%d,%d]", value, count)
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"responses":%d,"status":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d,"duration_us":%d,"statuses":{%s},"latency":[%s]}\n',
    summary.requests, e.status, e.connect, e.read, e.write, e.timeout, summary.duration,
    table.concat(counts, ","), table.concat(buckets, ",")))
end
