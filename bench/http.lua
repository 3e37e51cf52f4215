-- wrk script of bench/http.py: replays the requests of a file (one per line:
-- METHOD <tab> path <tab> Authorization header or "-" <tab> JSON body or "-"), each thread
-- starting at its own offset, and counts the answers by status. For recorded grading it also
-- keeps the submission id of every 2xx answer, so bench/http.py can check that each one the
-- server acknowledged is in the database. done() prints one line `BENCH {json}`.

local requests = {}
local next_index = 1
local threads = {}
local thread_count = 0

counts = {}   -- per thread: status -> n
ids = {}      -- per thread: acknowledged submission ids (recorded grading)

local function load(path)
  local list = {}
  for line in io.lines(path) do
    local method, url, auth, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
    local headers = {}
    if auth ~= "-" then headers["Authorization"] = auth end
    if body == "-" then
      body = nil
    else
      headers["Content-Type"] = "application/json"
    end
    list[#list + 1] = wrk.format(method, url, headers, body)
  end
  return list
end

function setup(thread)
  thread_count = thread_count + 1
  thread:set("offset", thread_count * 7919)
  threads[#threads + 1] = thread
end

function init(args)
  math.randomseed(os.time() + (offset or 0))
  requests = load(os.getenv("BENCH_REQUESTS"))
  next_index = (offset or 0) % #requests + 1
end

-- BENCH_THINK_MS: each connection waits before its next request, as a student does between
-- submissions, so the load offered is below what the server can do and the latency measured
-- is a request's own, not the time spent queueing behind the others. The wait is drawn from
-- an exponential distribution with that mean (arrivals as from many independent students):
-- with a fixed wait the 32 connections stay in step, and each burst of 32 arriving together
-- queues behind itself.
local think_ms = tonumber(os.getenv("BENCH_THINK_MS") or "0")
if think_ms > 0 then
  function delay()
    return math.floor(-think_ms * math.log(1 - math.random()))
  end
end

function request()
  local r = requests[next_index]
  next_index = next_index % #requests + 1
  return r
end

function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
  if status >= 200 and status < 300 and body then
    local id = body:match('"submission":%s*{"id":%s*(%d+)')
    if id then ids[#ids + 1] = id end
  end
end

function done(summary, latency, requests_)
  local statuses = {}
  local all_ids = {}
  for _, thread in ipairs(threads) do
    local c = thread:get("counts")
    for status, n in pairs(c) do
      statuses[status] = (statuses[status] or 0) + n
    end
    local t_ids = thread:get("ids")
    for _, id in ipairs(t_ids) do all_ids[#all_ids + 1] = id end
  end
  local parts = {}
  for status, n in pairs(statuses) do parts[#parts + 1] = string.format('"%d": %d', status, n) end
  local ids_path = os.getenv("BENCH_IDS")
  if ids_path then
    local f = io.open(ids_path, "w")
    f:write(table.concat(all_ids, "\n"))
    f:close()
  end
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d}, "statuses": {%s}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.timeout, table.concat(parts, ", ")))
end
